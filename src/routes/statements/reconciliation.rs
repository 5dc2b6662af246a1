use actix_web::{get, web};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::reconciliation::{self as recon, Tally};
use crate::db::{bank_accounts, units};
use crate::domain::{money, Role};
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReconciliationQuery {
    /// End of this day; today when left out.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub as_of: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnmatchedView {
    pub count: i64,
    /// Signed whole đồng: money in positive, money out negative.
    pub amount: String,
}

impl From<Tally> for UnmatchedView {
    fn from(t: Tally) -> Self {
        UnmatchedView {
            count: t.count,
            amount: money::format(t.amount),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReconciliationView {
    pub bank_account_id: Uuid,
    pub as_of: NaiveDate,
    /// Σ (debit − credit) of the postings to the account's 1121.N dated on or before `as_of`.
    pub book_balance: String,
    /// The bank's balance at the end of `as_of`, from the imported statements (see
    /// `bank_balance_source`).
    pub bank_balance: String,
    /// `line_balance`: the running balance printed on the last line on or before `as_of` that
    /// has one; `statement_closing`: the closing balance of the latest statement ending on or
    /// before `as_of`; `computed`: the earliest statement's opening balance (or 0). In each case
    /// plus the credits less the debits of the lines after it up to `as_of`.
    pub bank_balance_source: String,
    /// `book_balance − bank_balance`.
    pub difference: String,
    /// Lines dated on or before `as_of` still unmatched; amount Σ (credit − debit).
    pub unmatched_bank_lines: UnmatchedView,
    /// Entries posting to the account dated on or before `as_of` that no line dated on or
    /// before `as_of` is matched to; amount Σ (debit − credit) of those postings.
    pub unmatched_book_entries: UnmatchedView,
}

/// Bank reconciliation of a bank account: the ledger's balance against the bank's, and what is
/// unmatched on either side, all from one snapshot. The fund's finance officer, and auditors
/// and administrators in scope.
#[utoipa::path(
    operation_id = "getReconciliation",
    context_path = "/v1",
    tag = "statements",
    params(("id" = Uuid, Path, description = "the bank account"), ReconciliationQuery),
    responses((status = 200, description = "The bank account's reconciliation: statement against ledger", body = ReconciliationView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/bank-accounts/{id}/reconciliation")]
pub async fn reconciliation(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: Query<ReconciliationQuery>,
) -> ApiResult<web::Json<ReconciliationView>> {
    let as_of = query.as_of.unwrap_or_else(|| state.settings.clock.today());
    let mut conn = state.pools.read.get().await?;
    let bank = bank_accounts::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(&mut conn, bank.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if !user.scope.allows(Right::ActAs(Role::Accountant), &unit) {
        user.scope.authorize(Right::Audit, &unit)?;
    }
    let (bank_id, account) = (bank.id, bank.account_id);
    let view = conn
        .build_transaction()
        .repeatable_read()
        .read_only()
        .run(|conn| {
            async move {
                let book = recon::book_balance(conn, account, as_of).await?;
                let (bank_balance, source) = recon::bank_balance(conn, bank_id, as_of).await?;
                let lines = recon::unmatched_lines(conn, bank_id, as_of).await?;
                let entries = recon::unmatched_entries(conn, bank_id, account, as_of).await?;
                Ok::<_, ApiError>(ReconciliationView {
                    bank_account_id: bank_id,
                    as_of,
                    book_balance: money::format(book),
                    bank_balance: money::format(bank_balance),
                    bank_balance_source: source.as_str().to_owned(),
                    difference: money::format(book - bank_balance),
                    unmatched_bank_lines: lines.into(),
                    unmatched_book_entries: entries.into(),
                })
            }
            .scope_boxed()
        })
        .await?;
    Ok(web::Json(view))
}
