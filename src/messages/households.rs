//! Refusals of the household registry, in both languages.

use crate::domain::field::FieldError;

pub fn not_a_commune() -> FieldError {
    FieldError::new(
        "unit_id",
        "households are registered in a commune",
        "hộ gia đình được đăng ký tại cấp xã",
    )
}

pub fn query_length() -> FieldError {
    FieldError::new("q", "at most 100 characters", "tối đa 100 ký tự")
}
