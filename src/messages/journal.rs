//! Refusals about journal entries (manual entries and reversals), in both languages.

use rust_decimal::Decimal;

use crate::app::{AppError, Code};
use crate::domain::field::FieldError;

pub use super::common::text_length;

/// A date after today.
pub fn in_the_future(field: &str) -> FieldError {
    FieldError::new(
        field,
        "must not be in the future",
        "không được sau ngày hôm nay",
    )
}

pub fn too_few_postings() -> FieldError {
    FieldError::new(
        "postings",
        "at least two postings",
        "cần ít nhất hai dòng hạch toán",
    )
}

pub fn no_such_account(field: String) -> FieldError {
    FieldError::new(
        field,
        "no such account in this fund's chart",
        "không có tài khoản này trong hệ thống tài khoản của quỹ",
    )
}

pub fn no_usable_campaign(field: String) -> FieldError {
    FieldError::new(
        field,
        "no such campaign usable by this unit",
        "không có đợt vận động này cho đơn vị",
    )
}

/// Debits and credits of a manual entry that do not balance.
pub fn unbalanced(debits: Decimal, credits: Decimal) -> AppError {
    let (debits_en, debits_vi) = crate::vocabulary::amounts(debits);
    let (credits_en, credits_vi) = crate::vocabulary::amounts(credits);
    AppError::refused_because(
        Code::UnbalancedEntry,
        format!("Debits total {debits_en} but credits total {credits_en}."),
        format!("Tổng Nợ là {debits_vi} nhưng tổng Có là {credits_vi}."),
    )
}

pub fn reversal_before_original() -> FieldError {
    FieldError::new(
        "effective_date",
        "must not be before the entry it reverses",
        "không được trước ngày của bút toán bị đảo",
    )
}

/// Reversing a donation's entry: the donation is voided instead.
pub fn reverse_a_donation() -> AppError {
    AppError::refused_because(
        Code::Conflict,
        "This entry records a donation: void the donation instead.",
        "Bút toán này ghi nhận một khoản ủng hộ: hãy hủy khoản ủng hộ thay vì đảo bút toán.",
    )
}

pub fn reverse_a_void() -> AppError {
    AppError::refused_because(
        Code::Conflict,
        "This entry voids a donation; a void cannot be reversed.",
        "Bút toán này hủy một khoản ủng hộ; không thể đảo việc hủy.",
    )
}

/// Reversing an entry of a spending or transfer record, which has its own way back.
pub fn reverse_a_record() -> AppError {
    AppError::refused_because(
        Code::Conflict,
        "This entry belongs to a spending or transfer record: undo it there.",
        "Bút toán này thuộc một khoản chi hoặc điều chuyển: hãy xử lý tại đó.",
    )
}
