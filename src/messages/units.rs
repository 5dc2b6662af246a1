//! Refusals of the unit tree (and the length rule of names, which users share).

use crate::app::{AppError, Code};
use crate::domain::field::FieldError;
use crate::domain::unit_life::UnitLife;
use crate::domain::Tier;

/// A name or label of 1 to `max` characters (after cleaning).
pub fn length(field: &str, max: usize) -> FieldError {
    FieldError::new(
        field,
        format!("1 to {max} characters"),
        format!("từ 1 đến {max} ký tự"),
    )
}

pub fn code_format() -> FieldError {
    FieldError::new(
        "code",
        "upper-case letters and digits, at most 32",
        "chữ in hoa và chữ số, tối đa 32 ký tự",
    )
}

/// A unit the caller cannot see, named in a body (422, revealing nothing).
pub fn unknown_unit(field: &str) -> FieldError {
    FieldError::new(field, "unknown unit", "không tìm thấy đơn vị")
}

pub fn tier_does_not_fit(tier: Tier, parent: Tier) -> AppError {
    AppError::refused_because(
        Code::InvalidTier,
        format!("A {tier} cannot be placed under a {parent}."),
        format!("Đơn vị cấp {tier} không thể trực thuộc cấp {parent}."),
    )
}

/// An import sent as anything but `text/csv`.
pub fn not_csv() -> AppError {
    AppError::refused_because(
        Code::UnsupportedMediaType,
        "Send the file as text/csv.",
        "Hãy gửi tệp dạng text/csv.",
    )
}

/// A search term of a listing (`q`, `action`) that is too long or holds control characters.
pub fn search_term(field: &str) -> FieldError {
    FieldError::new(
        field,
        "at most 100 characters, no control characters",
        "tối đa 100 ký tự, không có ký tự điều khiển",
    )
}

/// A public search term over 100 characters.
pub fn at_most_100(field: &str) -> FieldError {
    FieldError::new(field, "at most 100 characters", "tối đa 100 ký tự")
}

/// A `year` outside the calendar.
pub fn not_a_year() -> FieldError {
    FieldError::new("year", "not a year", "không phải năm")
}

/// 409 `unit_dissolved`: `unit` has ended and takes nothing new (dated `on` or after its end).
pub fn unit_dissolved(code: &str, life: UnitLife) -> AppError {
    match life {
        UnitLife::Dissolved { on } => AppError::refused_because(
            Code::UnitDissolved,
            format!("Unit {code} was dissolved; its last day was {on}. Its records are read-only."),
            format!(
                "Đơn vị {code} đã giải thể, ngày hoạt động cuối cùng là {on}. Hồ sơ của đơn vị chỉ được xem."
            ),
        ),
        _ => {
            let from = life
                .ended_from()
                .map(|d| d.to_string())
                .unwrap_or_default();
            AppError::refused_because(
                Code::UnitDissolved,
                format!(
                    "Unit {code} ended on {from} (the 2025 reform): it takes nothing dated from then on; its successor does."
                ),
                format!(
                    "Đơn vị {code} đã kết thúc từ ngày {from} (sắp xếp đơn vị hành chính 2025): không nhận nội dung nào từ ngày đó; đơn vị kế thừa sẽ nhận."
                ),
            )
        }
    }
}
