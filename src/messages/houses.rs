//! Refusals of houses (projects, their steps and tranches), in both languages.

use chrono::NaiveDate;

use crate::app::{AppError, Code};
use crate::domain::field::FieldError;
use crate::domain::money::MoneyError;

/// A money field that did not parse.
pub fn money(field: &str, e: MoneyError) -> FieldError {
    FieldError::new(field, e.to_string(), e.vi())
}

pub use super::common::in_the_future;

pub fn before_previous_stage(field: &str, earliest: NaiveDate) -> FieldError {
    FieldError::new(
        field,
        format!("cannot be before the previous stage ({earliest})"),
        format!("không được trước giai đoạn trước ({earliest})"),
    )
}

pub fn area() -> FieldError {
    FieldError::new(
        "area_m2",
        "a decimal string above 0 and at most 10000, with at most two decimals",
        "chuỗi số lớn hơn 0, tối đa 10000, tối đa hai chữ số thập phân",
    )
}

pub fn override_reason_length() -> FieldError {
    FieldError::new(
        "norm_override_reason",
        "1 to 1000 characters",
        "từ 1 đến 1000 ký tự",
    )
}

pub fn cost_below_support() -> FieldError {
    FieldError::new(
        "estimated_cost",
        "cannot be less than the support",
        "không được nhỏ hơn số tiền hỗ trợ",
    )
}

pub fn fund_line_not_support(support: rust_decimal::Decimal) -> FieldError {
    FieldError::new(
        "funding_plan",
        format!("the fund's line must equal the support ({support})"),
        format!("dòng nguồn quỹ phải bằng số tiền hỗ trợ ({support})"),
    )
}

pub fn household_outside() -> FieldError {
    FieldError::new(
        "household_id",
        "no such household in the funding unit's area",
        "không có hộ này trong địa bàn của đơn vị hỗ trợ",
    )
}

/// 422 `campaign_purpose_mismatch`: restricted money given for another purpose.
pub fn campaign_not_for_houses(kind: &str) -> AppError {
    AppError::refused_because(
        Code::CampaignPurposeMismatch,
        format!("money given for this {kind} campaign cannot pay for houses"),
        format!("tiền của đợt vận động loại {kind} không được chi cho nhà Đại đoàn kết"),
    )
}

/// 409 `active_house_project`, naming the project going on.
pub fn active_project(house: uuid::Uuid) -> AppError {
    AppError::refused(Code::ActiveHouseProject).with_member("house_id", serde_json::json!(house))
}

/// 409 `recent_house_support`.
pub fn recent_new_house(last: NaiveDate, years: u32) -> AppError {
    AppError::refused_because(
        Code::RecentHouseSupport,
        format!(
            "a new house was handed over to this household on {last}; another needs {years} years"
        ),
        format!("hộ đã nhận nhà mới ngày {last}; phải cách {years} năm mới được hỗ trợ nhà mới"),
    )
}

pub fn not_3_cung() -> FieldError {
    FieldError::new(
        "meets_3_cung",
        "the house must have a hard roof, floor and walls to be accepted",
        "nhà phải đạt \"3 cứng\" (nền cứng, khung-tường cứng, mái cứng) mới được nghiệm thu",
    )
}

pub fn bank_account_for_bank_only() -> FieldError {
    FieldError::new(
        "bank_account_id",
        "required for method bank, and only then",
        "bắt buộc khi chi qua ngân hàng, và chỉ khi đó",
    )
}

/// 409 `invalid_state`: no tranche in this state.
pub fn no_payment_while(status: &str) -> AppError {
    AppError::refused_because(
        Code::InvalidState,
        format!("no payment while {status}"),
        format!(
            "không chi được khi đang ở trạng thái {}",
            crate::vocabulary::term(status, crate::i18n::Lang::Vi)
        ),
    )
}

/// 409 `exceeds_support`, saying what is left.
pub fn exceeds_support(left: rust_decimal::Decimal) -> AppError {
    let (left_en, left_vi) = crate::vocabulary::amounts(left);
    AppError::refused_because(
        Code::ExceedsSupport,
        format!("only {left_en} of the support is left"),
        format!("chỉ còn {left_vi} trong số tiền hỗ trợ"),
    )
}

/// 1 to `max` norms a request; the list as a whole has no field to name.
pub fn norm_count(max: usize) -> AppError {
    AppError::refused_because(
        Code::ValidationFailed,
        format!("Send 1 to {max} norms."),
        format!("Hãy gửi từ 1 đến {max} định mức."),
    )
}

/// 409 `invalid_state`: contributions only while the works go on.
pub fn no_contribution_while(status: &str) -> AppError {
    AppError::refused_because(
        Code::InvalidState,
        format!(
            "contributions are recorded while a project is approved, started or completed, not while {status}"
        ),
        format!(
            "chỉ ghi nhận đóng góp khi công trình đã duyệt, đang thi công hoặc đã hoàn thành, không phải khi {}",
            crate::vocabulary::term(status, crate::i18n::Lang::Vi)
        ),
    )
}
