//! The problem responses of every operation, each with the `code`s it can carry as an enum, so a
//! client (and schemathesis) knows exactly which answers to expect. An operation's codes are
//! those its shape implies (a token, a path id, a JSON body, an `Idempotency-Key`, the public
//! rate limit: see `implied`) plus the ones its handler answers by itself, listed per operation
//! in `OPERATIONS`. Each code lands in the response of its status when the operation documents
//! that status by hand (with a description naming the case), else in the `4XX` or `5XX` range
//! response, which this module writes itself.

use std::collections::BTreeSet;

use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{AllOfBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{Ref, RefOr};

use crate::error::Code;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// Every code of `error.rs` (in its order, then the later additions).
pub const ALL: [Code; 52] = [
    Code::MalformedJson,
    Code::Unauthenticated,
    Code::InvalidCredentials,
    Code::InvalidRefreshToken,
    Code::Forbidden,
    Code::NotFound,
    Code::MethodNotAllowed,
    Code::Conflict,
    Code::DuplicateUnitCode,
    Code::DuplicateUsername,
    Code::InvalidTier,
    Code::UserDisabled,
    Code::PayloadTooLarge,
    Code::UnsupportedMediaType,
    Code::ValidationFailed,
    Code::InvalidCsv,
    Code::InvalidStatement,
    Code::InsufficientFunds,
    Code::PeriodClosed,
    Code::PeriodNotEnded,
    Code::ChildrenOpen,
    Code::ParentClosed,
    Code::UnbalancedEntry,
    Code::AlreadyReversed,
    Code::AlreadyVoid,
    Code::DuplicateBankReference,
    Code::DuplicateBankAccount,
    Code::IdempotencyKeyReused,
    Code::IdempotencyInProgress,
    Code::DuplicateHousehold,
    Code::SamePerson,
    Code::InvalidState,
    Code::HouseholdAlreadyReceived,
    Code::CampaignPurposeMismatch,
    Code::ExceedsSupport,
    Code::NotCompleted,
    Code::ActiveHouseProject,
    Code::RecentHouseSupport,
    Code::RateLimited,
    Code::ServiceUnavailable,
    Code::Internal,
    Code::DuplicateKey,
    Code::CorsRefused,
    Code::UnitDissolved,
    Code::FractionsMustSumToOne,
    Code::NotASuccessor,
    Code::OpenObligations,
    Code::UnassignedHouseholds,
    Code::StaleHandover,
    Code::FormatMismatch,
    Code::StatementLinesMatched,
    Code::OpeningBalanceBooked,
];

/// A code's place in `ALL`. The match has no wildcard: a new `Code` does not compile until it
/// is given its place here, in `ALL`, and in the lists of the operations that answer it.
const fn position(code: Code) -> usize {
    match code {
        Code::MalformedJson => 0,
        Code::Unauthenticated => 1,
        Code::InvalidCredentials => 2,
        Code::InvalidRefreshToken => 3,
        Code::Forbidden => 4,
        Code::NotFound => 5,
        Code::MethodNotAllowed => 6,
        Code::Conflict => 7,
        Code::DuplicateUnitCode => 8,
        Code::DuplicateUsername => 9,
        Code::InvalidTier => 10,
        Code::UserDisabled => 11,
        Code::PayloadTooLarge => 12,
        Code::UnsupportedMediaType => 13,
        Code::ValidationFailed => 14,
        Code::InvalidCsv => 15,
        Code::InvalidStatement => 16,
        Code::InsufficientFunds => 17,
        Code::PeriodClosed => 18,
        Code::PeriodNotEnded => 19,
        Code::ChildrenOpen => 20,
        Code::ParentClosed => 21,
        Code::UnbalancedEntry => 22,
        Code::AlreadyReversed => 23,
        Code::AlreadyVoid => 24,
        Code::DuplicateBankReference => 25,
        Code::DuplicateBankAccount => 26,
        Code::IdempotencyKeyReused => 27,
        Code::IdempotencyInProgress => 28,
        Code::DuplicateHousehold => 29,
        Code::SamePerson => 30,
        Code::InvalidState => 31,
        Code::HouseholdAlreadyReceived => 32,
        Code::CampaignPurposeMismatch => 33,
        Code::ExceedsSupport => 34,
        Code::NotCompleted => 35,
        Code::ActiveHouseProject => 36,
        Code::RecentHouseSupport => 37,
        Code::RateLimited => 38,
        Code::ServiceUnavailable => 39,
        Code::Internal => 40,
        Code::DuplicateKey => 41,
        // a refused CORS preflight (OPTIONS), which no documented operation is
        Code::CorsRefused => 42,
        // the reform of 2025 (reform.md)
        Code::UnitDissolved => 43,
        Code::FractionsMustSumToOne => 44,
        Code::NotASuccessor => 45,
        Code::OpenObligations => 46,
        Code::UnassignedHouseholds => 47,
        Code::StaleHandover => 48,
        // real bank statements
        Code::FormatMismatch => 49,
        Code::StatementLinesMatched => 50,
        Code::OpeningBalanceBooked => 51,
    }
}

use Code::*;

/// What each operation answers beyond what its shape implies, read from its handler and what
/// the handler calls: `Forbidden` where a role or right is checked (a role extractor, or a
/// right above `Read`), `NotFound` for a unit or item named in the body or query, its domain
/// codes, and the codes the database's own rules map to (`error.rs`, `code_for_constraint`):
/// `PeriodClosed` wherever an entry is posted, `InsufficientFunds` wherever money or goods
/// leave a fund or are set aside, the four-eyes and transition guards as `SamePerson` and
/// `InvalidState`. Operations without a token that still read the database list
/// `ServiceUnavailable` themselves.
pub const OPERATIONS: &[(&str, &[Code])] = &[
    // operations
    ("checkHealth", &[]),
    ("checkReadiness", &[ServiceUnavailable]),
    ("getMetrics", &[]),
    // auth
    ("getJwks", &[]),
    (
        "signIn",
        &[InvalidCredentials, RateLimited, ServiceUnavailable],
    ),
    ("refreshToken", &[InvalidRefreshToken, ServiceUnavailable]),
    ("revokeToken", &[ServiceUnavailable]),
    ("getMe", &[]),
    // units
    ("listUnits", &[]),
    ("getUnit", &[]),
    ("getUnitByCode", &[]),
    (
        "createUnit",
        &[Forbidden, DuplicateUnitCode, InvalidTier, UnitDissolved],
    ),
    // two imports racing to insert one new code: the second meets the unique code
    ("importUnits", &[Forbidden, InvalidCsv, DuplicateUnitCode]),
    // the reform: a unit the file ends can be one that was already dissolved by hand
    ("importUnitSuccessions", &[Forbidden, InvalidCsv]),
    ("getUnitSuccessions", &[]),
    // handovers
    (
        "createHandover",
        &[
            Forbidden,
            NotFound,
            Conflict,
            InvalidState,
            UnitDissolved,
            OpenObligations,
            UnassignedHouseholds,
            FractionsMustSumToOne,
            NotASuccessor,
        ],
    ),
    ("listHandovers", &[NotFound]),
    ("getHandover", &[]),
    ("approveHandover", &[Forbidden, SamePerson, InvalidState]),
    ("rejectHandover", &[Forbidden, SamePerson, InvalidState]),
    ("cancelHandover", &[Forbidden, InvalidState]),
    (
        "executeHandover",
        &[
            Forbidden,
            InvalidState,
            StaleHandover,
            PeriodClosed,
            InsufficientFunds,
            Conflict,
        ],
    ),
    ("planHandovers", &[Forbidden, ValidationFailed]),
    // a root below a province is a `validation_failed` on `id`
    ("approveAllHandovers", &[ValidationFailed]),
    ("executeAllHandovers", &[ValidationFailed]),
    (
        "receiveHandover",
        &[
            Forbidden,
            NotFound,
            InvalidState,
            PeriodClosed,
            UnitDissolved,
        ],
    ),
    // users
    ("createUser", &[Forbidden, DuplicateUsername]),
    ("listUsers", &[NotFound]),
    ("getUser", &[]),
    ("setUserRoles", &[Forbidden, Conflict]),
    ("disableUser", &[Forbidden, Conflict]),
    // audit
    ("listAuditEvents", &[Forbidden, NotFound]),
    // campaigns
    ("createCampaign", &[Forbidden, NotFound, UnitDissolved]),
    ("listCampaigns", &[NotFound]),
    ("getCampaign", &[]),
    ("getCampaignReport", &[]),
    // bank accounts
    (
        "createBankAccount",
        &[Forbidden, DuplicateBankAccount, UnitDissolved],
    ),
    ("listBankAccounts", &[]),
    ("getBankAccount", &[]),
    // donations
    (
        "createDonation",
        &[
            Forbidden,
            NotFound,
            PeriodClosed,
            DuplicateBankReference,
            UnitDissolved,
        ],
    ),
    ("listDonations", &[NotFound]),
    ("getDonation", &[]),
    // a void reverses the receipt: the cash or goods it brought in leave again
    (
        "correctDonationDonor",
        &[Forbidden, AlreadyVoid, Conflict, UnitDissolved],
    ),
    (
        "voidDonation",
        &[
            Forbidden,
            AlreadyVoid,
            PeriodClosed,
            InsufficientFunds,
            UnitDissolved,
        ],
    ),
    ("listReceipts", &[]),
    // ledger
    ("listAccounts", &[]),
    ("getAccount", &[]),
    ("listAccountPostings", &[]),
    ("getBalances", &[]),
    ("listJournalEntries", &[NotFound]),
    ("getJournalEntry", &[]),
    (
        "createJournalEntry",
        &[
            Forbidden,
            NotFound,
            UnbalancedEntry,
            PeriodClosed,
            InsufficientFunds,
            UnitDissolved,
        ],
    ),
    (
        "reverseJournalEntry",
        &[
            Forbidden,
            Conflict,
            AlreadyReversed,
            PeriodClosed,
            InsufficientFunds,
            UnitDissolved,
        ],
    ),
    ("verifyLedger", &[Forbidden]),
    ("exportLedger", &[Forbidden]),
    // reports
    ("getTrialBalance", &[]),
    ("getFundStatement", &[]),
    ("getHousingReport", &[]),
    // periods: the month in the path is checked (422)
    (
        "closePeriod",
        &[
            Forbidden,
            ValidationFailed,
            Conflict,
            PeriodNotEnded,
            ChildrenOpen,
        ],
    ),
    (
        "reopenPeriod",
        &[Forbidden, ValidationFailed, Conflict, ParentClosed],
    ),
    ("listPeriods", &[]),
    // public
    ("getPublicCampaign", &[]),
    ("listPublicCampaignDonations", &[]),
    ("getPublicCampaignSpending", &[]),
    ("getPublicReceipt", &[]),
    ("getPublicUnitSummary", &[]),
    // households
    (
        "createHousehold",
        &[Forbidden, NotFound, DuplicateHousehold, UnitDissolved],
    ),
    ("listHouseholds", &[NotFound]),
    ("getHousehold", &[]),
    ("updateHousehold", &[Forbidden, UnitDissolved]),
    ("getHouseholdHistory", &[]),
    // grants
    (
        "createDisbursement",
        &[Forbidden, NotFound, CampaignPurposeMismatch, UnitDissolved],
    ),
    ("listDisbursements", &[NotFound]),
    ("getDisbursement", &[]),
    (
        "approveDisbursement",
        &[
            Forbidden,
            SamePerson,
            InvalidState,
            InsufficientFunds,
            UnitDissolved,
        ],
    ),
    (
        "rejectDisbursement",
        &[Forbidden, SamePerson, InvalidState, UnitDissolved],
    ),
    (
        "cancelDisbursement",
        &[Forbidden, SamePerson, InvalidState, UnitDissolved],
    ),
    (
        "payDisbursement",
        &[
            Forbidden,
            InvalidState,
            InsufficientFunds,
            PeriodClosed,
            UnitDissolved,
        ],
    ),
    // Tết batches
    (
        "createTetBatch",
        &[
            Forbidden,
            NotFound,
            CampaignPurposeMismatch,
            HouseholdAlreadyReceived,
            UnitDissolved,
        ],
    ),
    ("listTetBatches", &[NotFound]),
    ("getTetBatch", &[]),
    (
        "approveTetBatch",
        &[
            Forbidden,
            SamePerson,
            InvalidState,
            InsufficientFunds,
            UnitDissolved,
        ],
    ),
    (
        "rejectTetBatch",
        &[Forbidden, SamePerson, InvalidState, UnitDissolved],
    ),
    (
        "cancelTetBatch",
        &[Forbidden, SamePerson, InvalidState, UnitDissolved],
    ),
    (
        "disburseTetBatch",
        &[
            Forbidden,
            InvalidState,
            InsufficientFunds,
            PeriodClosed,
            UnitDissolved,
        ],
    ),
    (
        "recordTetDeliveries",
        &[Forbidden, InvalidState, UnitDissolved],
    ),
    // the settlement brings undelivered gifts back: it posts, but takes nothing out
    (
        "closeTetBatch",
        &[Forbidden, InvalidState, PeriodClosed, UnitDissolved],
    ),
    ("getTetBatchRecipients", &[Forbidden]),
    // transfers
    (
        "createTransfer",
        &[Forbidden, NotFound, CampaignPurposeMismatch, UnitDissolved],
    ),
    ("allocateTransfers", &[Forbidden, NotFound, UnitDissolved]),
    ("listTransfers", &[NotFound]),
    ("getTransfer", &[]),
    (
        "approveTransfer",
        &[
            Forbidden,
            SamePerson,
            InvalidState,
            InsufficientFunds,
            UnitDissolved,
        ],
    ),
    (
        "rejectTransfer",
        &[Forbidden, SamePerson, InvalidState, UnitDissolved],
    ),
    (
        "cancelTransfer",
        &[Forbidden, SamePerson, InvalidState, UnitDissolved],
    ),
    (
        "sendTransfer",
        &[
            Forbidden,
            InvalidState,
            InsufficientFunds,
            PeriodClosed,
            UnitDissolved,
        ],
    ),
    (
        "receiveTransfer",
        &[Forbidden, InvalidState, PeriodClosed, UnitDissolved],
    ),
    // houses
    ("listHousingNorms", &[NotFound]),
    ("setHousingNorms", &[Forbidden, NotFound, UnitDissolved]),
    (
        "createHouse",
        &[
            Forbidden,
            NotFound,
            CampaignPurposeMismatch,
            ActiveHouseProject,
            RecentHouseSupport,
            UnitDissolved,
        ],
    ),
    ("listHouses", &[NotFound]),
    ("getHouse", &[]),
    (
        "approveHouse",
        &[
            Forbidden,
            SamePerson,
            InvalidState,
            InsufficientFunds,
            UnitDissolved,
        ],
    ),
    ("startHouse", &[Forbidden, InvalidState, UnitDissolved]),
    ("completeHouse", &[Forbidden, InvalidState, UnitDissolved]),
    ("handOverHouse", &[Forbidden, InvalidState, UnitDissolved]),
    (
        "cancelHouse",
        &[Forbidden, SamePerson, InvalidState, UnitDissolved],
    ),
    (
        "payHouseTranche",
        &[
            Forbidden,
            InvalidState,
            NotCompleted,
            ExceedsSupport,
            InsufficientFunds,
            PeriodClosed,
            UnitDissolved,
        ],
    ),
    (
        "createHouseContribution",
        &[Forbidden, InvalidState, UnitDissolved],
    ),
    ("listHouseContributions", &[]),
    // attachments: a multipart body that does not parse is 400
    (
        "uploadAttachment",
        &[Forbidden, NotFound, MalformedJson, UnitDissolved],
    ),
    ("downloadAttachment", &[]),
    // statements
    (
        "importStatement",
        &[
            Forbidden,
            MalformedJson,
            InvalidStatement,
            FormatMismatch,
            UnitDissolved,
        ],
    ),
    ("listStatements", &[]),
    (
        "withdrawStatement",
        &[
            Forbidden,
            InvalidState,
            StatementLinesMatched,
            UnitDissolved,
        ],
    ),
    ("listStatementLines", &[]),
    (
        "recordOpeningBalance",
        &[
            Forbidden,
            NotFound,
            OpeningBalanceBooked,
            PeriodClosed,
            UnitDissolved,
        ],
    ),
    // two requests racing for the same lines: the second meets the unique bank reference
    (
        "createDonationsFromStatementLines",
        &[
            Forbidden,
            PeriodClosed,
            DuplicateBankReference,
            UnitDissolved,
        ],
    ),
    (
        "createFeesFromStatementLines",
        &[Forbidden, PeriodClosed, InsufficientFunds, UnitDissolved],
    ),
    (
        "matchStatementLine",
        &[Forbidden, InvalidState, Conflict, UnitDissolved],
    ),
    (
        "unmatchStatementLine",
        &[Forbidden, InvalidState, UnitDissolved],
    ),
    (
        "ignoreStatementLine",
        &[Forbidden, InvalidState, UnitDissolved],
    ),
    ("getReconciliation", &[Forbidden]),
];

/// The codes the operation's shape implies, whatever its handler does.
fn implied(op: &Operation) -> Vec<Code> {
    let mut codes = Vec::new();
    let params = op.parameters.as_deref().unwrap_or_default();
    let has = |place: ParameterIn| params.iter().any(|p| p.parameter_in == place);
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let public = op
        .tags
        .as_ref()
        .is_some_and(|t| t.iter().any(|t| t == "public"));
    if secured {
        // the token's user is read from the database on every request
        codes.extend([Unauthenticated, ServiceUnavailable]);
    }
    if public {
        codes.extend([RateLimited, ServiceUnavailable]);
    }
    if has(ParameterIn::Path) {
        // an id that does not parse names nothing, like one that does not exist
        codes.push(NotFound);
    }
    if has(ParameterIn::Query) {
        codes.push(ValidationFailed);
    }
    if params
        .iter()
        .any(|p| p.name.eq_ignore_ascii_case(crate::idempotency::HEADER))
    {
        codes.extend([
            ValidationFailed,
            IdempotencyKeyReused,
            IdempotencyInProgress,
        ]);
    }
    if let Some(body) = &op.request_body {
        codes.extend([UnsupportedMediaType, PayloadTooLarge, ValidationFailed]);
        if body.content.contains_key("application/json") {
            codes.extend([MalformedJson, DuplicateKey]);
        }
    }
    // whatever reads input or a token can meet the unexpected
    if secured || public || !params.is_empty() || op.request_body.is_some() {
        codes.push(Internal);
    }
    codes
}

/// The operation's codes, by status and then in `ALL` order; `None` when `OPERATIONS` does not
/// list it.
pub fn codes(op: &Operation) -> Option<Vec<Code>> {
    let id = op.operation_id.as_deref()?;
    let (_, own) = OPERATIONS.iter().find(|(name, _)| *name == id)?;
    let set: BTreeSet<(u16, usize)> = implied(op)
        .into_iter()
        .chain(own.iter().copied())
        .map(|c| (c.status().as_u16(), position(c)))
        .collect();
    Some(set.into_iter().map(|(_, i)| ALL[i]).collect())
}

/// A problem document whose `code` is one of `codes`.
fn problem_schema(codes: &[Code]) -> RefOr<Schema> {
    let code = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(codes.iter().map(|c| c.as_str())));
    AllOfBuilder::new()
        .item(Ref::from_schema_name("Problem"))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .property("code", code),
        )
        .into()
}

fn listed(codes: &[Code]) -> String {
    codes
        .iter()
        .map(|c| format!("`{}` ({})", c.as_str(), c.status().as_u16()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rewrites the problem responses of one operation from its codes: each response documented
/// with a 4xx/5xx status gets the codes of that status, and the `4XX`/`5XX` ranges (replaced
/// here) the rest, or disappear when nothing is left for them.
pub fn apply(op: &mut Operation) {
    let Some(codes) = codes(op) else {
        // the drift test names every operation missing from OPERATIONS
        return;
    };
    let responses = &mut op.responses.responses;
    responses.remove("4XX");
    responses.remove("5XX");
    let mut explicit = BTreeSet::new();
    for (status, response) in responses.iter_mut() {
        let Ok(status) = status.parse::<u16>() else {
            continue;
        };
        let RefOr::T(response) = response else {
            continue;
        };
        if status < 400 {
            continue;
        }
        explicit.insert(status);
        let mine: Vec<Code> = codes
            .iter()
            .copied()
            .filter(|c| c.status().as_u16() == status)
            .collect();
        if let Some(content) = response.content.get_mut(PROBLEM_JSON) {
            content.schema = Some(problem_schema(&mine));
        }
    }
    for (range, class) in [("4XX", 4), ("5XX", 5)] {
        let rest: Vec<Code> = codes
            .iter()
            .copied()
            .filter(|c| {
                let s = c.status().as_u16();
                s / 100 == class && !explicit.contains(&s)
            })
            .collect();
        if rest.is_empty() {
            continue;
        }
        let response = ResponseBuilder::new()
            .description(format!(
                "A problem document (RFC 9457) with one of these codes: {}",
                listed(&rest)
            ))
            .content(
                PROBLEM_JSON,
                ContentBuilder::new()
                    .schema(Some(problem_schema(&rest)))
                    .build(),
            )
            .build();
        responses.insert(range.to_owned(), response.into());
    }
}

/// The `Problem` schema's `code` as the enum of every code.
pub fn enumerate_codes(problem: &mut RefOr<Schema>) {
    let RefOr::T(schema) = problem else { return };
    let objects: Vec<&mut utoipa::openapi::schema::Object> = match schema {
        Schema::Object(o) => vec![o],
        Schema::AllOf(all) => all
            .items
            .iter_mut()
            .filter_map(|s| match s {
                RefOr::T(Schema::Object(o)) => Some(o),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    for object in objects {
        if let Some(RefOr::T(Schema::Object(code))) = object.properties.get_mut("code") {
            code.enum_values = Some(ALL.iter().map(|c| c.as_str().into()).collect());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_holds_every_code_once_in_its_place() {
        for (i, code) in ALL.iter().enumerate() {
            assert_eq!(position(*code), i, "{}", code.as_str());
        }
    }

    #[test]
    fn each_operation_is_listed_once() {
        let mut names: Vec<&str> = OPERATIONS.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "an operation listed twice");
    }
}
