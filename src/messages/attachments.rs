//! Refusals about attachments: uploads and the evidence records point to.

use crate::app::{AppError, Code};
use crate::domain::attachment::MAX_SIZE;
use crate::domain::field::FieldError;

pub fn too_much_evidence(field: &str, max: usize) -> FieldError {
    FieldError::new(
        field,
        format!("at most {max} attachments"),
        format!("tối đa {max} tệp đính kèm"),
    )
}

/// An attachment that does not exist or lies outside the unit or the caller's scope: worded the
/// same either way.
pub fn no_such_evidence(field: &str) -> FieldError {
    FieldError::new(
        field,
        "no such attachment for this unit",
        "không có tệp đính kèm này cho đơn vị",
    )
}

pub fn not_multipart() -> AppError {
    AppError::refused_because(
        Code::UnsupportedMediaType,
        "Send the file as multipart/form-data.",
        "Hãy gửi tệp dạng multipart/form-data.",
    )
}

pub fn not_a_known_file_type() -> AppError {
    AppError::refused_because(
        Code::UnsupportedMediaType,
        "Only JPEG, PNG and PDF files are accepted.",
        "Chỉ nhận tệp JPEG, PNG và PDF.",
    )
}

pub fn too_large() -> AppError {
    AppError::refused_because(
        Code::PayloadTooLarge,
        format!("Files are limited to {MAX_SIZE} bytes (10 MiB)."),
        format!("Tệp tối đa {MAX_SIZE} byte (10 MiB)."),
    )
}

pub fn file_missing() -> FieldError {
    FieldError::new("file", "the file is missing", "thiếu tệp đính kèm")
}

pub fn file_empty() -> FieldError {
    FieldError::new("file", "the file is empty", "tệp đính kèm rỗng")
}

pub fn unit_id_invalid() -> FieldError {
    FieldError::new("unit_id", "not a valid id", "mã đơn vị không hợp lệ")
}

pub fn unit_id_missing() -> FieldError {
    FieldError::new("unit_id", "missing", "thiếu đơn vị")
}

pub fn part_repeated(name: &str) -> FieldError {
    FieldError::new(name, "sent more than once", "được gửi nhiều lần")
}

pub fn unknown_part(name: &str) -> FieldError {
    FieldError::new(
        name,
        "unknown part; send `file` and `unit_id`",
        "phần không được hỗ trợ; hãy gửi `file` và `unit_id`",
    )
}

pub fn part_too_long(name: &str) -> FieldError {
    FieldError::new(name, "too long", "quá dài")
}

pub fn part_not_utf8(name: &str) -> FieldError {
    FieldError::new(name, "not valid UTF-8", "không phải UTF-8 hợp lệ")
}
