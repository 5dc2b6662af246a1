//! What a command can refuse, as types: the stable codes of `api.md` ([`Code`]) and the one
//! error of the application layer ([`AppError`]). Rendering them as RFC 9457 problems (status,
//! headers, the body in the caller's language) is the HTTP layer's job (`crate::error`); the
//! words of each refusal are written once, where its variant is built.

use crate::domain::field::{FieldError, Text};
use crate::i18n::Lang;

/// The stable machine words of `api.md`, plus the generic ones every API needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    MalformedJson,
    DuplicateKey,
    Unauthenticated,
    InvalidCredentials,
    InvalidRefreshToken,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    CorsRefused,
    Conflict,
    DuplicateUnitCode,
    DuplicateUsername,
    InvalidTier,
    UserDisabled,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
    InvalidCsv,
    InvalidStatement,
    InsufficientFunds,
    PeriodClosed,
    PeriodNotEnded,
    ChildrenOpen,
    ParentClosed,
    UnbalancedEntry,
    AlreadyReversed,
    AlreadyVoid,
    DuplicateBankReference,
    DuplicateBankAccount,
    IdempotencyKeyReused,
    IdempotencyInProgress,
    DuplicateHousehold,
    SamePerson,
    InvalidState,
    HouseholdAlreadyReceived,
    CampaignPurposeMismatch,
    ExceedsSupport,
    NotCompleted,
    ActiveHouseProject,
    RecentHouseSupport,
    UnitDissolved,
    FractionsMustSumToOne,
    NotASuccessor,
    OpenObligations,
    UnassignedHouseholds,
    StaleHandover,
    RateLimited,
    ServiceUnavailable,
    Internal,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::MalformedJson => "malformed_json",
            Code::DuplicateKey => "duplicate_key",
            Code::Unauthenticated => "unauthenticated",
            Code::InvalidCredentials => "invalid_credentials",
            Code::InvalidRefreshToken => "invalid_refresh_token",
            Code::Forbidden => "forbidden",
            Code::NotFound => "not_found",
            Code::MethodNotAllowed => "method_not_allowed",
            Code::CorsRefused => "cors_refused",
            Code::Conflict => "conflict",
            Code::DuplicateUnitCode => "duplicate_unit_code",
            Code::DuplicateUsername => "duplicate_username",
            Code::InvalidTier => "invalid_tier",
            Code::UserDisabled => "user_disabled",
            Code::PayloadTooLarge => "payload_too_large",
            Code::UnsupportedMediaType => "unsupported_media_type",
            Code::ValidationFailed => "validation_failed",
            Code::InvalidCsv => "invalid_csv",
            Code::InvalidStatement => "invalid_statement",
            Code::InsufficientFunds => "insufficient_funds",
            Code::PeriodClosed => "period_closed",
            Code::PeriodNotEnded => "period_not_ended",
            Code::ChildrenOpen => "children_open",
            Code::ParentClosed => "parent_closed",
            Code::UnbalancedEntry => "unbalanced_entry",
            Code::AlreadyReversed => "already_reversed",
            Code::AlreadyVoid => "already_void",
            Code::DuplicateBankReference => "duplicate_bank_reference",
            Code::DuplicateBankAccount => "duplicate_bank_account",
            Code::IdempotencyKeyReused => "idempotency_key_reused",
            Code::IdempotencyInProgress => "idempotency_in_progress",
            Code::DuplicateHousehold => "duplicate_household",
            Code::SamePerson => "same_person",
            Code::InvalidState => "invalid_state",
            Code::HouseholdAlreadyReceived => "household_already_received",
            Code::CampaignPurposeMismatch => "campaign_purpose_mismatch",
            Code::ExceedsSupport => "exceeds_support",
            Code::NotCompleted => "not_completed",
            Code::ActiveHouseProject => "active_house_project",
            Code::RecentHouseSupport => "recent_house_support",
            Code::UnitDissolved => "unit_dissolved",
            Code::FractionsMustSumToOne => "fractions_must_sum_to_one",
            Code::NotASuccessor => "not_a_successor",
            Code::OpenObligations => "open_obligations",
            Code::UnassignedHouseholds => "unassigned_households",
            Code::StaleHandover => "stale_handover",
            Code::RateLimited => "rate_limited",
            Code::ServiceUnavailable => "service_unavailable",
            Code::Internal => "internal_error",
        }
    }

    /// Short, fixed title per code (RFC 9457: the title does not change between occurrences).
    pub fn title(self, lang: Lang) -> &'static str {
        let (en, vi) = match self {
            Code::MalformedJson => (
                "Malformed request body",
                "Nội dung yêu cầu không đúng định dạng",
            ),
            Code::DuplicateKey => (
                "A key appears twice in the JSON body",
                "Một khóa xuất hiện hai lần trong nội dung JSON",
            ),
            Code::Unauthenticated => ("Authentication required", "Cần đăng nhập"),
            Code::InvalidCredentials => (
                "Invalid username or password",
                "Sai tên đăng nhập hoặc mật khẩu",
            ),
            Code::InvalidRefreshToken => ("Invalid refresh token", "Mã làm mới không hợp lệ"),
            Code::Forbidden => ("Not allowed", "Không có quyền thực hiện"),
            Code::NotFound => ("Not found", "Không tìm thấy"),
            Code::MethodNotAllowed => ("Method not allowed", "Phương thức không được hỗ trợ"),
            Code::CorsRefused => (
                "Cross-origin request refused",
                "Yêu cầu từ nguồn khác bị từ chối",
            ),
            Code::Conflict => (
                "Conflict with the current state",
                "Xung đột với trạng thái hiện tại",
            ),
            Code::DuplicateUnitCode => ("Unit code already exists", "Mã đơn vị đã tồn tại"),
            Code::DuplicateUsername => ("Username already taken", "Tên đăng nhập đã được sử dụng"),
            Code::InvalidTier => (
                "Tier does not fit under the parent",
                "Cấp đơn vị không phù hợp với đơn vị cấp trên",
            ),
            Code::UserDisabled => ("User is disabled", "Người dùng đã bị khóa"),
            Code::PayloadTooLarge => ("Request body too large", "Nội dung yêu cầu quá lớn"),
            Code::UnsupportedMediaType => (
                "Unsupported content type",
                "Kiểu nội dung không được hỗ trợ",
            ),
            Code::ValidationFailed => ("Validation failed", "Dữ liệu không hợp lệ"),
            Code::InvalidCsv => ("Invalid CSV file", "Tệp CSV không hợp lệ"),
            Code::InvalidStatement => (
                "The bank statement cannot be read",
                "Không đọc được sao kê ngân hàng",
            ),
            Code::InsufficientFunds => ("Insufficient funds", "Không đủ số dư"),
            Code::PeriodClosed => ("The accounting period is closed", "Kỳ kế toán đã khóa sổ"),
            Code::PeriodNotEnded => ("The month has not ended", "Tháng chưa kết thúc"),
            Code::ChildrenOpen => (
                "Units below have not closed this month",
                "Đơn vị cấp dưới chưa khóa sổ tháng này",
            ),
            Code::ParentClosed => (
                "The parent unit has closed this month",
                "Đơn vị cấp trên đã khóa sổ tháng này",
            ),
            Code::UnbalancedEntry => (
                "Debits and credits do not balance",
                "Tổng Nợ và tổng Có không cân bằng",
            ),
            Code::AlreadyReversed => ("Entry already reversed", "Bút toán đã được đảo"),
            Code::AlreadyVoid => ("Donation already void", "Khoản ủng hộ đã bị hủy"),
            Code::DuplicateBankReference => (
                "Bank reference already recorded",
                "Mã giao dịch ngân hàng đã được ghi nhận",
            ),
            Code::DuplicateBankAccount => (
                "Bank account already registered",
                "Tài khoản ngân hàng đã được đăng ký",
            ),
            Code::IdempotencyKeyReused => (
                "Idempotency key reused with another request",
                "Khóa Idempotency-Key đã dùng cho yêu cầu khác",
            ),
            Code::IdempotencyInProgress => (
                "A request with this idempotency key is in progress",
                "Yêu cầu với khóa này đang được xử lý",
            ),
            Code::DuplicateHousehold => (
                "Household already registered",
                "Hộ gia đình đã được đăng ký",
            ),
            Code::SamePerson => (
                "The submitter cannot decide their own submission",
                "Người đề xuất không được tự phê duyệt",
            ),
            Code::InvalidState => (
                "Not allowed in the current state",
                "Không thực hiện được ở trạng thái hiện tại",
            ),
            Code::HouseholdAlreadyReceived => (
                "Household already has a gift in this campaign",
                "Hộ đã nhận quà trong đợt vận động này",
            ),
            Code::CampaignPurposeMismatch => (
                "The campaign's money is for another purpose",
                "Tiền của đợt vận động dành cho mục đích khác",
            ),
            Code::ExceedsSupport => (
                "Payment exceeds the approved support",
                "Số chi vượt mức hỗ trợ được duyệt",
            ),
            Code::NotCompleted => (
                "The house has not passed acceptance",
                "Nhà chưa được nghiệm thu",
            ),
            Code::ActiveHouseProject => (
                "Household already has an active house project",
                "Hộ đang có dự án nhà chưa hoàn thành",
            ),
            Code::RecentHouseSupport => (
                "Household had a new house supported recently",
                "Hộ đã được hỗ trợ xây nhà mới trong thời gian gần đây",
            ),
            Code::UnitDissolved => ("The unit has ended", "Đơn vị đã kết thúc hoạt động"),
            Code::FractionsMustSumToOne => (
                "The fractions do not sum to one",
                "Tổng các tỷ lệ không bằng một",
            ),
            Code::NotASuccessor => (
                "Not a successor of the unit",
                "Không phải đơn vị kế thừa của đơn vị này",
            ),
            Code::OpenObligations => (
                "Open obligations are not assigned",
                "Còn nghĩa vụ chưa được giao cho đơn vị kế thừa",
            ),
            Code::UnassignedHouseholds => (
                "Households of some villages are not assigned",
                "Hộ gia đình của một số thôn chưa được giao",
            ),
            Code::StaleHandover => (
                "Balances changed since the handover was proposed",
                "Số dư đã thay đổi kể từ khi đề xuất bàn giao",
            ),
            Code::RateLimited => ("Too many requests", "Quá nhiều yêu cầu"),
            Code::ServiceUnavailable => (
                "Service temporarily unavailable",
                "Dịch vụ tạm thời không khả dụng",
            ),
            Code::Internal => ("Internal error", "Lỗi hệ thống"),
        };
        match lang {
            Lang::En => en,
            Lang::Vi => vi,
        }
    }
}

/// Why a command did not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such thing, or outside the caller's scope (where things do not exist): 404.
    #[error("not found")]
    NotFound,
    /// A right the caller lacks at the unit concerned; the text names the role and the unit.
    #[error("forbidden: {}", .0.en)]
    Forbidden(Text),
    /// Input that breaks a rule, field by field (422 `validation_failed`).
    #[error("invalid input ({} fields)", .0.len())]
    Invalid(Vec<FieldError>),
    /// A refusal with a stable code of `api.md`, a detail in both languages when one helps, and
    /// machine-readable members of the problem (`available`, `household_ids`, …).
    #[error("{}: {}", code.as_str(), detail.as_ref().map(|d| d.en.as_str()).unwrap_or(""))]
    Refused {
        code: Code,
        detail: Option<Text>,
        members: serde_json::Map<String, serde_json::Value>,
    },
    /// The database refused or failed; classified once, by constraint name, in `crate::error`.
    #[error(transparent)]
    Store(#[from] diesel::result::Error),
    /// No database connection could be had in time (503).
    #[error(transparent)]
    Unavailable(#[from] crate::db::PoolError),
    /// A broken assumption (a stored value the code does not know, a fund without its chart):
    /// logged with its cause, opaque to the client.
    #[error("internal: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A refusal with its code and no detail.
    pub fn refused(code: Code) -> Self {
        AppError::Refused {
            code,
            detail: None,
            members: serde_json::Map::new(),
        }
    }

    /// A refusal with its code and a detail in both languages.
    pub fn refused_because(code: Code, en: impl Into<String>, vi: impl Into<String>) -> Self {
        AppError::Refused {
            code,
            detail: Some(Text::new(en, vi)),
            members: serde_json::Map::new(),
        }
    }

    /// Adds a machine-readable member to a refusal (ignored on other variants).
    pub fn with_member(mut self, key: &str, value: serde_json::Value) -> Self {
        if let AppError::Refused { members, .. } = &mut self {
            members.insert(key.to_owned(), value);
        }
        self
    }

    /// One invalid field.
    pub fn field(field: &str, en: impl Into<String>, vi: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError::new(field, en, vi)])
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        AppError::Internal(cause.to_string())
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid(vec![e])
    }
}

impl From<Vec<FieldError>> for AppError {
    fn from(errors: Vec<FieldError>) -> Self {
        AppError::Invalid(errors)
    }
}
