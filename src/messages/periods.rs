//! Refusals about a fund's months, in both languages.

use chrono::NaiveDate;

use crate::app::{AppError, Code};
use crate::domain::period::month_label;

/// Closing a month that has not ended.
pub fn not_ended(month: NaiveDate) -> AppError {
    let m = month_label(month);
    AppError::refused_because(
        Code::PeriodNotEnded,
        format!("{m} has not ended yet."),
        format!("Tháng {m} chưa kết thúc."),
    )
}

/// Closing a month already closed.
pub fn already_closed(month: NaiveDate) -> AppError {
    let m = month_label(month);
    AppError::refused_because(
        Code::Conflict,
        format!("{m} is already closed."),
        format!("Tháng {m} đã được khóa sổ."),
    )
}

/// Closing a month some child units have not closed; names them (at most 20).
pub fn children_open(codes: &[String]) -> AppError {
    let list = codes.join(", ");
    AppError::refused_because(
        Code::ChildrenOpen,
        format!("Not closed yet by: {list}."),
        format!("Các đơn vị chưa khóa sổ: {list}."),
    )
    .with_member("open_children", serde_json::json!(codes))
}

/// Re-opening a month that is not closed.
pub fn not_closed(month: NaiveDate) -> AppError {
    let m = month_label(month);
    AppError::refused_because(
        Code::Conflict,
        format!("{m} is not closed."),
        format!("Tháng {m} chưa khóa sổ."),
    )
}
