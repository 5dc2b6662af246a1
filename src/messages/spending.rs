//! Refusals of spending (grants, and what every four-eyes decision answers), in both languages,
//! and the journal wording of a paid grant.

use crate::app::{AppError, Code};
use crate::domain::field::FieldError;
use crate::domain::money::MoneyError;
use crate::domain::spending::Category;
use crate::i18n::Lang;
use crate::vocabulary;

/// 403 `same_person`: the submitter decides their own submission.
pub fn same_person() -> AppError {
    AppError::refused_because(
        Code::SamePerson,
        "The submitter may not decide their own submission: another approver of the unit must.",
        "Người đề xuất không được tự quyết định đề xuất của mình: cần một người phê duyệt (approver) khác của đơn vị.",
    )
}

/// 409 `invalid_state`: the lifecycle does not allow this from the stored `status`.
pub fn invalid_state(status: &str) -> AppError {
    AppError::refused_because(
        Code::InvalidState,
        format!("not allowed while {status}"),
        format!(
            "không thực hiện được khi đang ở trạng thái {}",
            vocabulary::term(status, Lang::Vi)
        ),
    )
}

pub use super::common::text_length;

/// An amount that is not a positive whole number of đồng.
pub fn bad_amount(e: MoneyError) -> FieldError {
    FieldError::new("amount", e.to_string(), e.vi())
}

pub use super::common::in_the_future;

/// A bank account named for a payment that is not by bank, or none for one that is.
pub fn bank_account_only_for_bank() -> FieldError {
    FieldError::new(
        "bank_account_id",
        "required for method bank, and only then",
        "bắt buộc khi chi qua ngân hàng, và chỉ khi đó",
    )
}

/// A household that does not exist, or lives outside the paying unit's area.
pub fn household_outside_area() -> FieldError {
    FieldError::new(
        "household_id",
        "no such household in the paying unit's area",
        "không có hộ này trong địa bàn của đơn vị chi",
    )
}

/// 422 `campaign_purpose_mismatch`: a restricted campaign's money cannot pay for a grant of
/// this category.
pub fn grant_purpose_mismatch(campaign_kind: &str, category: Category) -> AppError {
    AppError::refused_because(
        Code::CampaignPurposeMismatch,
        format!(
            "money given for this {campaign_kind} campaign cannot pay for {}",
            category.as_str()
        ),
        format!(
            "tiền của đợt vận động loại {campaign_kind} không được chi cho {}",
            category.as_str()
        ),
    )
}

/// The journal's description of a paid grant (Vietnamese, as the books are kept).
pub fn grant_entry(category: Category) -> String {
    format!("Chi hỗ trợ ({})", category.as_str())
}
