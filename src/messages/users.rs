//! Refusals about users and their roles.

use crate::app::{AppError, Code};
use crate::domain::field::FieldError;

pub fn username_format() -> FieldError {
    FieldError::new(
        "username",
        "3–64 lower-case letters, digits, . _ -",
        "3–64 ký tự: chữ thường, chữ số, . _ -",
    )
}

pub fn password_length() -> FieldError {
    FieldError::new("password", "10 to 256 characters", "từ 10 đến 256 ký tự")
}

pub fn no_role() -> FieldError {
    FieldError::new("roles", "at least one role", "cần ít nhất một vai trò")
}

pub fn too_many_roles() -> FieldError {
    FieldError::new("roles", "at most 50 roles", "tối đa 50 vai trò")
}

pub fn own_roles() -> AppError {
    AppError::refused_because(
        Code::Conflict,
        "You cannot change your own roles.",
        "Không thể tự thay đổi vai trò của mình.",
    )
}

pub fn disable_self() -> AppError {
    AppError::refused_because(
        Code::Conflict,
        "You cannot disable yourself.",
        "Không thể tự khóa tài khoản của mình.",
    )
}
