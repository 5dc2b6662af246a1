//! Refusals about a fund's bank accounts.

use crate::domain::field::FieldError;

pub fn bin_format() -> FieldError {
    FieldError::new("bank_bin", "6 digits", "6 chữ số")
}

pub fn account_number_format() -> FieldError {
    FieldError::new(
        "account_number",
        "4 to 30 digits or letters",
        "từ 4 đến 30 chữ số hoặc chữ cái",
    )
}

pub fn unknown_currency() -> FieldError {
    FieldError::new(
        "currency",
        "unknown currency",
        "đơn vị tiền tệ không được hỗ trợ",
    )
}
