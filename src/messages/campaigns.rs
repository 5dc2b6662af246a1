//! Refusals about campaigns.

use crate::domain::field::FieldError;

pub fn ends_before_it_starts() -> FieldError {
    FieldError::new(
        "ends_on",
        "must not be before starts_on",
        "không được trước starts_on",
    )
}
