//! The OpenAPI document, generated from the handlers and types. `openapi/openapi.json` is this
//! document checked in; a test fails when they drift (regenerate with
//! `cargo run -- openapi > openapi/openapi.json`). Two modifiers finish it from tables kept
//! here: `problems` (the `code`s each operation can answer) and `examples` (a request and a
//! response for every operation that creates something).

pub mod examples;
pub mod problems;

use examples::Examples as CreationExamples;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::Problem;
use crate::routes;

/// The problem responses every operation may give besides those it lists: 4xx for bad input,
/// missing rights or unknown resources, 5xx (503) when the database is unavailable. The
/// `ProblemCodes` modifier replaces both with the operation's own codes (`problems.rs`).
#[derive(utoipa::IntoResponses)]
pub enum Problems {
    #[response(
        status = "4XX",
        description = "A problem document (RFC 9457); `code` is the stable reason",
        content_type = "application/problem+json"
    )]
    Client(#[to_schema] Problem),
    #[response(
        status = "5XX",
        description = "Service unavailable (`service_unavailable`) or an internal error",
        content_type = "application/problem+json"
    )]
    Server(#[to_schema] Problem),
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Đoàn Kết",
        description = "The Fund for the Poor (Quỹ \"Vì người nghèo\") and Great Unity houses of the Vietnam Fatherland Front: units, funds, donations, spending, and the public record of both.",
        license(name = "MIT")
    ),
    paths(
        routes::operations::health::healthz,
        routes::operations::health::readyz,
        routes::operations::metrics::metrics,
        routes::auth::jwks::jwks,
        routes::auth::token::token,
        routes::auth::refresh::refresh,
        routes::auth::revoke::revoke,
        routes::auth::me::me,
        routes::units::list::list,
        routes::units::get::get,
        routes::units::by_code::by_code,
        routes::units::create::create,
        routes::units::import::import,
        routes::units::successions_import::import,
        routes::units::successions::successions,
        routes::handovers::create::create,
        routes::handovers::list::list,
        routes::handovers::get::get,
        routes::handovers::decide::approve,
        routes::handovers::decide::reject,
        routes::handovers::decide::cancel,
        routes::handovers::execute::execute,
        routes::handovers::receive::receive,
        routes::handovers::rounds::plan,
        routes::handovers::rounds::approve_all,
        routes::handovers::rounds::execute_all,
        routes::users::create::create,
        routes::users::list::list,
        routes::users::get::get,
        routes::users::set_roles::set_roles,
        routes::users::disable::disable,
        routes::audit_events::list::list,
        routes::campaigns::create::create,
        routes::campaigns::list::list,
        routes::campaigns::get::get,
        routes::bank_accounts::create::create,
        routes::bank_accounts::list::list,
        routes::bank_accounts::get::get,
        routes::donations::create::create,
        routes::donations::list::list,
        routes::donations::get::get,
        routes::donations::void::void,
        routes::donations::correct_donor::correct_donor,
        routes::donations::receipts::receipts,
        routes::accounts::list::list,
        routes::accounts::get::get,
        routes::accounts::postings::postings,
        routes::accounts::balances::balances,
        routes::journal::list::list,
        routes::journal::get::get,
        routes::journal::create::create,
        routes::journal::reverse::reverse,
        routes::ledger::verify::verify,
        routes::ledger::export::export,
        routes::reports::trial_balance::trial_balance,
        routes::reports::fund_statement::fund_statement,
        routes::campaigns::report::report,
        routes::periods::list::list,
        routes::periods::close::close,
        routes::periods::reopen::reopen,
        routes::public::campaign::campaign,
        routes::public::campaign_donations::list,
        routes::public::receipt::receipt,
        routes::public::unit_summary::summary,
        // households
        routes::households::create::create,
        routes::households::list::list,
        routes::households::get::get,
        routes::households::update::update,
        routes::households::history::history,
        // disbursements
        routes::disbursements::create::create,
        routes::disbursements::list::list,
        routes::disbursements::get::get,
        routes::disbursements::decide::approve,
        routes::disbursements::decide::reject,
        routes::disbursements::decide::cancel,
        routes::disbursements::pay::pay,
        // tet batches
        routes::tet_batches::create::create,
        routes::tet_batches::list::list,
        routes::tet_batches::get::get,
        routes::tet_batches::decide::approve,
        routes::tet_batches::decide::reject,
        routes::tet_batches::decide::cancel,
        routes::tet_batches::disburse::disburse,
        routes::tet_batches::deliveries::deliveries,
        routes::tet_batches::close::close,
        routes::tet_batches::recipients_csv::recipients_csv,
        // transfers
        routes::transfers::create::create,
        routes::transfers::allocate::allocate,
        routes::transfers::list::list,
        routes::transfers::get::get,
        routes::transfers::decide::approve,
        routes::transfers::decide::reject,
        routes::transfers::decide::cancel,
        routes::transfers::send::send,
        routes::transfers::receive::receive,
        // houses
        routes::housing_norms::list::list,
        routes::housing_norms::put::put,
        routes::houses::create::create,
        routes::houses::list::list,
        routes::houses::get::get,
        routes::houses::approve::approve,
        routes::houses::start::start,
        routes::houses::complete::complete,
        routes::houses::hand_over::hand_over,
        routes::houses::cancel::cancel,
        routes::houses::payments::pay,
        // public spending
        routes::public::campaign_spending::spending,
        routes::attachments::upload::upload,
        routes::attachments::download::download,
        // house contributions
        routes::house_contributions::create::create,
        routes::house_contributions::list::list,
        routes::reports::housing::housing,
        // statements
        routes::statements::create_donations::create_donations,
        routes::statements::create_fees::create_fees,
        routes::statements::import::import,
        routes::statements::imports::list,
        routes::statements::imports::withdraw,
        routes::statements::lines::list,
        routes::bank_accounts::opening_balance::record,
        routes::statements::match_line::match_line,
        routes::statements::match_line::unmatch,
        routes::statements::match_line::ignore,
        routes::statements::reconciliation::reconciliation,
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth, &ProblemCodes, &CreationExamples),
    tags(
        (name = "auth", description = "Sign-in and tokens"),
        (name = "units", description = "The unit tree: central, province, district, commune"),
        (name = "users", description = "Users and role grants"),
        (name = "audit", description = "The audit trail"),
        (name = "campaigns", description = "Campaigns (đợt vận động), restricted or not"),
        (name = "bank accounts", description = "Bank accounts of a fund"),
        (name = "donations", description = "Donations, receipts and voids"),
        (name = "ledger", description = "The fund ledger: accounts, balances, journal entries, reversals"),
        (name = "periods", description = "Monthly periods: close bottom-up, re-open with a reason"),
        (name = "households", description = "The household registry: beneficiaries per commune, deduplicated by national ID"),
        (name = "disbursements", description = "Grants: medical, education, livelihood, emergency relief, community works"),
        (name = "tet batches", description = "Tết gift batches: one gift per household per campaign, delivered with proof"),
        (name = "transfers", description = "Transfers between tiers: allocations down, remittances up"),
        (name = "handovers", description = "The 2025 reform: handing an ending unit's fund, obligations and households over to its successors"),
        (name = "houses", description = "Great Unity houses: support norms, projects from proposal to hand-over, tranche payments"),
        (name = "reports", description = "Reports of a unit's fund"),
        (name = "attachments", description = "Photos and scanned documents: evidence of house stages and Tết deliveries"),
        (name = "public", description = "The public record, without a token and rate limited per client address"),
        (name = "statements", description = "Bank statements: import, lines, matching, reconciliation"),
        (name = "operations", description = "Health, readiness, metrics"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Every operation's problem responses with the codes it answers, and `Problem.code` as the
/// enum of all codes.
struct ProblemCodes;

impl Modify for ProblemCodes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for op in operations(item) {
                problems::apply(op);
            }
        }
        if let Some(problem) = openapi
            .components
            .as_mut()
            .and_then(|c| c.schemas.get_mut("Problem"))
        {
            problems::enumerate_codes(problem);
        }
    }
}

/// The operations of one path, whatever their method.
pub fn operations(
    item: &mut utoipa::openapi::PathItem,
) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.options.as_mut(),
        item.head.as_mut(),
        item.patch.as_mut(),
        item.trace.as_mut(),
    ]
    .into_iter()
    .flatten()
}

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document as checked in: pretty JSON with a trailing newline.
pub fn to_pretty_json() -> String {
    let mut s = document()
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    s.push('\n');
    s
}
