//! Refusals of handovers (reform.md, "Handover").

use chrono::NaiveDate;
use uuid::Uuid;

use crate::app::{AppError, Code};
use crate::db::handovers::OpenObligation;
use crate::domain::field::FieldError;

pub use super::spending::invalid_state;

/// 409: a unit with no successor recorded has not ended.
pub fn has_not_ended(code: &str) -> AppError {
    AppError::refused_because(
        Code::InvalidState,
        format!("Unit {code} has not ended: the succession data names no successor for it."),
        format!("Đơn vị {code} chưa kết thúc: dữ liệu kế thừa không nêu đơn vị kế thừa nào."),
    )
}

/// 409: the unit already has a handover that is submitted, approved or executed.
pub fn already_proposed(id: Uuid) -> AppError {
    AppError::refused_because(
        Code::Conflict,
        format!("The unit already has a handover ({id}); cancel or reject it first."),
        format!("Đơn vị đã có biên bản bàn giao ({id}); hãy hủy hoặc từ chối trước."),
    )
    .with_member("handover_id", serde_json::json!(id))
}

pub fn wrong_effective_on(expected: Option<NaiveDate>) -> FieldError {
    let day = expected.map(|d| d.to_string()).unwrap_or_default();
    FieldError::new(
        "effective_on",
        format!("must be the succession's effective date, {day}"),
        format!("phải là ngày hiệu lực của việc kế thừa, {day}"),
    )
}

pub fn fractions_do_not_sum_to_one() -> AppError {
    AppError::refused_because(
        Code::FractionsMustSumToOne,
        "The fractions of the shares must sum to exactly 1.",
        "Tổng các tỷ lệ phải bằng đúng 1.",
    )
}

/// 422 `not_a_successor`, naming the field.
pub fn not_a_successor(field: &str) -> AppError {
    AppError::refused_because(
        Code::NotASuccessor,
        format!(
            "{field}: the succession data does not name this unit a successor of the ending unit."
        ),
        format!(
            "{field}: dữ liệu kế thừa không nêu đơn vị này là đơn vị kế thừa của đơn vị kết thúc."
        ),
    )
    .with_member("field", serde_json::json!(field))
}

pub fn obligation_type(i: usize) -> FieldError {
    FieldError::new(
        format!("obligations[{i}].type"),
        "one of disbursement, tet_batch, house, transfer",
        "một trong disbursement, tet_batch, house, transfer",
    )
}

pub fn not_an_open_obligation(i: usize) -> FieldError {
    FieldError::new(
        format!("obligations[{i}].id"),
        "not an open obligation of the ending unit",
        "không phải nghĩa vụ đang mở của đơn vị kết thúc",
    )
}

pub fn bank_account_needed(i: usize) -> FieldError {
    FieldError::new(
        format!("obligations[{i}].bank_account_id"),
        "paid by bank: name the successor's bank account that pays it",
        "chi qua ngân hàng: hãy nêu tài khoản ngân hàng của đơn vị kế thừa sẽ chi",
    )
}

pub fn bank_account_of_successor(i: usize) -> FieldError {
    FieldError::new(
        format!("obligations[{i}].bank_account_id"),
        "not an open bank account of that successor's fund",
        "không phải tài khoản ngân hàng đang hoạt động của quỹ đơn vị kế thừa đó",
    )
}

/// 409 `open_obligations`, listing each one left out.
pub fn open_obligations(missing: &[&OpenObligation]) -> AppError {
    let list: Vec<serde_json::Value> = missing
        .iter()
        .map(|o| serde_json::json!({"type": o.kind.record_name(), "id": o.id}))
        .collect();
    AppError::refused_because(
        Code::OpenObligations,
        format!(
            "{} open obligation(s) of the unit are not assigned to a successor.",
            missing.len()
        ),
        format!(
            "{} nghĩa vụ đang mở của đơn vị chưa được giao cho đơn vị kế thừa.",
            missing.len()
        ),
    )
    .with_member("obligations", serde_json::Value::Array(list))
}

/// 409 `unassigned_households`, listing the villages.
pub fn unassigned_households(villages: &[String]) -> AppError {
    AppError::refused_because(
        Code::UnassignedHouseholds,
        format!(
            "The households of {} village(s) are not assigned to a successor.",
            villages.len()
        ),
        format!(
            "Hộ gia đình của {} thôn chưa được giao cho đơn vị kế thừa.",
            villages.len()
        ),
    )
    .with_member("villages", serde_json::json!(villages))
}

/// 409: nothing of the handover is in transit to this successor.
pub fn nothing_in_transit(code: &str) -> AppError {
    AppError::refused_because(
        Code::InvalidState,
        format!("No handed-over bank money is in transit to {code}."),
        format!("Không có tiền bàn giao nào đang chuyển đến {code}."),
    )
}

/// 409 `stale_handover`: the refused execution cancelled the handover.
pub fn stale() -> AppError {
    AppError::refused_because(
        Code::StaleHandover,
        "The fund's balances or open obligations changed since the proposal; the handover is cancelled. Propose it again.",
        "Số dư hoặc nghĩa vụ đang mở của quỹ đã thay đổi kể từ khi đề xuất; biên bản bàn giao đã bị hủy. Hãy đề xuất lại.",
    )
}
