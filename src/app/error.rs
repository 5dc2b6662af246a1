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
    FormatMismatch,
    StatementLinesMatched,
    OpeningBalanceBooked,
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
            Code::FormatMismatch => "format_mismatch",
            Code::StatementLinesMatched => "statement_lines_matched",
            Code::OpeningBalanceBooked => "opening_balance_booked",
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
            Code::FormatMismatch => (
                "The statement is in another bank's layout",
                "Sao kê theo mẫu của ngân hàng khác",
            ),
            Code::StatementLinesMatched => (
                "Lines of the statement are matched",
                "Có dòng sao kê đã được đối chiếu",
            ),
            Code::OpeningBalanceBooked => (
                "The opening balance is already booked",
                "Số dư đầu kỳ đã được ghi sổ",
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

/// Constraints and trigger checks whose violation is an expected domain outcome, not a bug.
/// The database holds these rules (so raw SQL cannot break them); here they get their codes.
pub fn code_for_constraint(name: &str) -> Option<Code> {
    Some(match name {
        "no_overdraft" => Code::InsufficientFunds,
        "period_closed" => Code::PeriodClosed,
        "children_open" => Code::ChildrenOpen,
        "parent_closed" => Code::ParentClosed,
        "entry_balanced" | "entry_has_postings" => Code::UnbalancedEntry,
        // routes check these first; the database's refusal is still the client's error
        "posting_account_in_fund" | "posting_campaign_in_scope" | "units_tier_order" => {
            Code::ValidationFailed
        }
        "journal_entries_reverses_id_key" => Code::AlreadyReversed,
        "donations_bank_reference_key" => Code::DuplicateBankReference,
        "bank_accounts_bank_bin_account_number_key" => Code::DuplicateBankAccount,
        "units_code_key" => Code::DuplicateUnitCode,
        "users_username_key" => Code::DuplicateUsername,
        "households_national_id_key" => Code::DuplicateHousehold,
        "household_in_commune" | "transfer_units_related" => Code::ValidationFailed,
        "spending_transition" => Code::InvalidState,
        "disbursements_four_eyes" | "tet_batches_four_eyes" | "transfers_four_eyes" => {
            Code::SamePerson
        }
        "tet_gift_once_per_campaign" => Code::HouseholdAlreadyReceived,
        "houses_one_active_per_household" => Code::ActiveHouseProject,
        "houses_paid_within_support" => Code::ExceedsSupport,
        "houses_four_eyes" | "houses_cancel_four_eyes" => Code::SamePerson,
        // the reform: nothing new goes into a unit that has ended; its life only moves forward
        "unit_dissolved" => Code::UnitDissolved,
        "handovers_four_eyes" => Code::SamePerson,
        // a second live handover of one unit (two proposals racing), or a fund that did not
        // empty: the request met another state than the one it was made for
        "handovers_one_per_unit" | "unit_dissolved_by_handover" | "handover_parts_fixed" => {
            Code::Conflict
        }
        "handover_lines_sum_to_the_balance" => Code::StaleHandover,
        // real statements: one opening balance per bank account, one withdrawal per statement,
        // and a matched line outlives any withdrawal
        "bank_opening_balances_pkey" => Code::OpeningBalanceBooked,
        "statement_withdrawals_pkey" => Code::InvalidState,
        "statement_line_kept" => Code::StatementLinesMatched,
        // a correction racing another: the check was closed meanwhile
        "donor_name_checked_once" | "donor_name_checks_pkey" => Code::Conflict,
        // a source type the code does not write: never the client's input
        "journal_entries_source_type_check" => Code::Conflict,
        "unit_lifecycle_forward" => Code::InvalidState,
        "house_final_after_acceptance" => Code::NotCompleted,
        "units_root_is_central" | "units_single_root" | "units_not_under_itself" => {
            Code::InvalidTier
        }
        "units_parent_exists" | "line_matches_entry" => Code::ValidationFailed,
        // rows that only move forward (a donation to void, a submission, a proposal, a gift, a
        // reservation, the bank's side of a line, a match): the request met them in another state
        "donations_void_once"
        | "spending_submission_fixed"
        | "houses_proposal_fixed"
        | "tet_recipient_changes_once"
        | "reservations_used_or_released"
        | "statement_line_bank_side_fixed"
        | "statement_lines_matched_meta" => Code::InvalidState,
        // append-only history, and sums and chains that must agree with their rows: a
        // concurrent change or a hand-made statement, never the client's input
        "append_only"
        | "donations_never_deleted"
        | "spending_never_deleted"
        | "reservations_never_deleted"
        | "tet_recipients_never_deleted"
        | "houses_never_deleted"
        | "reservations_used_within"
        | "houses_paid_is_the_tranches"
        | "housing_norms_key"
        | "statement_lines_matched_entry_key"
        | "seal_of_the_entrys_fund"
        | "seal_chain_link"
        | "units_status_known"
        | "units_end_dated"
        | "units_dissolved_on" => Code::Conflict,
        _ => return None,
    })
}

/// The stable code of a database refusal the schema names (see [`code_for_constraint`]), for a
/// command that reports refusals instead of failing on them (the bulk handovers).
pub fn code_of_store_error(e: &diesel::result::Error) -> Option<Code> {
    match e {
        diesel::result::Error::DatabaseError(_, info) => {
            info.constraint_name().and_then(code_for_constraint)
        }
        _ => None,
    }
}
