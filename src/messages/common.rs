//! Refusals many workflows share, in both languages.

use crate::domain::field::FieldError;

/// A campaign that does not exist, or that the unit may not use (it belongs to no unit above or
/// at it).
pub fn no_such_campaign(field: &str) -> FieldError {
    FieldError::new(
        field,
        "no such campaign for this unit",
        "không có đợt vận động này cho đơn vị",
    )
}

/// A bank account that is not one of the fund's own.
pub fn not_a_bank_account_of_the_fund(field: &str) -> FieldError {
    FieldError::new(
        field,
        "not a bank account of this fund",
        "không phải tài khoản ngân hàng của quỹ này",
    )
}

/// A free text of 1 to `max` characters (a reason, a description, a purpose).
pub fn text_length(field: &str, max: usize) -> FieldError {
    FieldError::new(
        field,
        format!("1 to {max} characters"),
        format!("từ 1 đến {max} ký tự"),
    )
}

/// A date after today (local): what happened cannot be recorded before it happens.
pub fn in_the_future(field: impl Into<String>) -> FieldError {
    FieldError::new(
        field,
        "cannot be in the future",
        "không được là ngày trong tương lai",
    )
}
