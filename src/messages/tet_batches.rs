//! Refusals of Tết gift batches, in both languages.

use crate::app::{AppError, Code};
use crate::domain::field::FieldError;
use crate::domain::money::MoneyError;

/// A money field that did not parse.
pub fn money(field: &str, e: MoneyError) -> FieldError {
    FieldError::new(field, e.to_string(), e.vi())
}

pub fn description_length() -> FieldError {
    FieldError::new(
        "gift.in_kind_description",
        "1 to 500 characters",
        "từ 1 đến 500 ký tự",
    )
}

pub fn value_needs_description() -> FieldError {
    FieldError::new(
        "gift.in_kind_value",
        "required with in_kind_description",
        "bắt buộc khi có mô tả hiện vật",
    )
}

pub fn description_needs_value() -> FieldError {
    FieldError::new(
        "gift.in_kind_description",
        "required with in_kind_value",
        "bắt buộc khi có giá trị hiện vật",
    )
}

pub fn gift_without_value() -> FieldError {
    FieldError::new(
        "gift.cash_amount",
        "a gift needs cash or goods of some value",
        "quà phải có tiền hoặc hiện vật có giá trị",
    )
}

pub fn in_kind_with_cash() -> FieldError {
    FieldError::new(
        "method",
        "in_kind only for gifts without cash",
        "in_kind chỉ dùng cho quà không có tiền mặt",
    )
}

pub fn bank_account_required() -> FieldError {
    FieldError::new(
        "bank_account_id",
        "required for bank payments",
        "bắt buộc khi chi qua ngân hàng",
    )
}

pub fn bank_account_only_for_bank() -> FieldError {
    FieldError::new(
        "bank_account_id",
        "only for bank payments",
        "chỉ dùng khi chi qua ngân hàng",
    )
}

pub fn household_count(max: usize) -> FieldError {
    FieldError::new(
        "household_ids",
        format!("1 to {max} households"),
        format!("từ 1 đến {max} hộ"),
    )
}

/// A household (or a delivery's household) listed twice in one request.
pub fn listed_twice(field: String) -> FieldError {
    FieldError::new(field, "listed more than once", "bị liệt kê nhiều lần")
}

pub fn not_a_tet_campaign() -> FieldError {
    FieldError::new(
        "campaign_id",
        "must be a Tết campaign (kind tet)",
        "phải là đợt vận động Tết (kind tet)",
    )
}

/// A household outside the paying unit's area (or outside the caller's scope, or unknown).
pub fn household_outside(i: usize) -> FieldError {
    FieldError::new(
        format!("household_ids[{i}]"),
        "no such household in this unit's area",
        "không có hộ này trong địa bàn của đơn vị",
    )
}

/// 409 `household_already_received`, listing the households that hold a gift of the campaign.
pub fn already_received(listed: &[uuid::Uuid]) -> AppError {
    AppError::refused_because(
        Code::HouseholdAlreadyReceived,
        format!(
            "{} of the households already have a gift of this campaign.",
            listed.len()
        ),
        format!("{} hộ đã nhận quà trong đợt vận động này.", listed.len()),
    )
    .with_member("household_ids", serde_json::json!(listed))
}

/// 1 to `max` deliveries a request; the list as a whole has no field to name.
pub fn delivery_count(max: usize) -> AppError {
    AppError::refused_because(
        Code::ValidationFailed,
        format!("Send 1 to {max} deliveries."),
        format!("Hãy gửi từ 1 đến {max} lượt phát quà."),
    )
}

pub use super::common::in_the_future;

pub fn evidence_hash(i: usize) -> FieldError {
    FieldError::new(
        format!("[{i}].ack.evidence_sha256"),
        "64 lowercase hexadecimal digits",
        "64 chữ số thập lục phân viết thường",
    )
}

pub fn witness_length(i: usize) -> FieldError {
    FieldError::new(
        format!("[{i}].ack.witness_name"),
        "1 to 200 characters",
        "từ 1 đến 200 ký tự",
    )
}

pub fn witness_required(i: usize) -> FieldError {
    FieldError::new(
        format!("[{i}].ack.witness_name"),
        "required for a witnessed delivery",
        "bắt buộc khi xác nhận bằng người làm chứng",
    )
}

/// 409 `invalid_state`: deliveries are only for a disbursed batch.
pub fn deliveries_not_paid(status: &str) -> AppError {
    AppError::refused_because(
        Code::InvalidState,
        format!("deliveries are recorded for a disbursed batch, not while {status}"),
        format!("chỉ ghi nhận phát quà cho đợt đã chi, không phải khi {status}"),
    )
}

pub fn before_disbursement(field: impl Into<String>) -> FieldError {
    FieldError::new(
        field,
        "cannot be before the disbursement",
        "không được trước ngày chi",
    )
}

pub fn not_a_recipient(i: usize) -> FieldError {
    FieldError::new(
        format!("[{i}].household_id"),
        "not a recipient of this batch",
        "không có trong danh sách nhận quà của đợt này",
    )
}

/// 409 `invalid_state`: `status` does not allow the action asked.
pub use super::spending::invalid_state;
