//! Refusals of the donation workflows, in both languages.

use crate::domain::field::FieldError;

/// A void's reason that is empty or too long.
pub fn void_reason(field: &str) -> FieldError {
    FieldError::new(field, "1 to 1000 characters", "từ 1 đến 1000 ký tự")
}

/// Line ids: none, or more than one request may name.
pub fn line_ids_count() -> FieldError {
    FieldError::new(
        "line_ids",
        "1 to 200,000 line ids",
        "từ 1 đến 200.000 mã dòng",
    )
}

/// Both a list of lines and "all" given.
pub fn lines_twice(all_field: &str) -> FieldError {
    FieldError::new(
        all_field,
        "give line_ids or this, not both",
        "chỉ gửi line_ids hoặc trường này, không cả hai",
    )
}

/// Neither a list of lines nor "all" given.
pub fn no_lines(all_field: &str) -> FieldError {
    FieldError::new(
        "line_ids",
        format!("give line_ids or {all_field}: true"),
        format!("cần line_ids hoặc {all_field}: true"),
    )
}

/// Line ids some of which are not the bank account's.
pub fn lines_of_another_account() -> FieldError {
    FieldError::new(
        "line_ids",
        "not all are lines of this bank account",
        "có mã dòng không thuộc tài khoản ngân hàng này",
    )
}

/// A donor-name search text that is too long.
pub fn search_text(field: &str) -> FieldError {
    FieldError::new(field, "at most 100 characters", "tối đa 100 ký tự")
}

/// A page cursor this listing did not give out.
pub fn invalid_cursor() -> FieldError {
    FieldError::new("cursor", "invalid cursor", "cursor không hợp lệ")
}
