use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::DisbursementView;
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Accountant;
use crate::db::{bank_accounts, disbursements, units};
use crate::domain::spending::{Action, Category, Kind, Method};
use crate::domain::Role;
use crate::error::{ApiError, ApiResult};
use crate::extract::OptionalJsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::ledger::reservations::{self, Holder};
use crate::ledger::{entries, payouts, rules, NewEntry, SourceType};
use crate::routes::spending::transition;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayDisbursement {
    /// Local date the money was paid out (the entry's effective date); default today.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub paid_on: Option<NaiveDate>,
}

/// Pays an approved grant (finance officer of the paying unit): posts 61x1 by category
/// against cash, the bank account or goods, using the approval's reservation.
#[utoipa::path(
    operation_id = "payDisbursement",
    context_path = "/v1",
    tag = "disbursements",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = Option<PayDisbursement>, description = "Optional: `{\"paid_on\"}`"),
    responses(
        (status = 200, description = "The grant, paid, with its journal entry", body = DisbursementView),
        (status = 409, description = "`invalid_state`, `insufficient_funds` (the chosen account lacks the money) or `period_closed`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/disbursements/{id}/pay")]
pub async fn pay(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: OptionalJsonBody<PayDisbursement>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let today = state.settings.clock.today();
    let paid_on = body.value.paid_on.unwrap_or(today);
    if paid_on > today {
        return Err(ApiError::field(
            "paid_on",
            "cannot be in the future",
            "không được là ngày trong tương lai",
        ));
    }
    let mut conn = state.pools.write.get().await?;
    let grant = disbursements::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(&mut conn, grant.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    accountant
        .scope
        .authorize(Right::ActAs(Role::Accountant), &unit)?;
    let accountant = &accountant;
    let id = grant.id;
    idempotency::transact(
        &mut conn,
        accountant.id.0,
        &key,
        &body.hash,
        StatusCode::OK,
        |_| None,
        move |conn| {
            async move {
                let grant = disbursements::lock(conn, id).await?;
                transition(Kind::Disbursement, &grant.status, Action::Pay)?;
                let (method, category) = Method::parse(&grant.method)
                    .zip(Category::parse(&grant.category))
                    .ok_or_else(|| ApiError::internal("stored grant method or category"))?;
                let bank = match grant.bank_account_id {
                    Some(b) => Some(
                        bank_accounts::find(conn, b)
                            .await?
                            .ok_or_else(|| ApiError::internal("grant's bank account"))?
                            .account_id,
                    ),
                    None => None,
                };
                let source = payouts::source_account(conn, grant.unit_id, method, bank).await?;
                let expense =
                    payouts::account_id(conn, grant.unit_id, category.expense_code()).await?;
                let entry = NewEntry {
                    id: Uuid::now_v7(),
                    unit_id: grant.unit_id,
                    effective_date: paid_on,
                    source_type: SourceType::Disbursement,
                    source_id: Some(grant.id),
                    description: format!("Chi hỗ trợ ({})", category.as_str()),
                    reason: None,
                    reverses_id: None,
                    created_by: Some(accountant.id.0),
                    postings: rules::spend(expense, &[(source, grant.amount)], grant.earmark_id),
                };
                // use the reservation first: the entry's overdraft check (run at once by
                // `post`) counts what is still reserved
                let holder = Holder::Disbursement(grant.id);
                if !reservations::consume(conn, holder, payouts::pool(method), grant.amount).await?
                {
                    return Err(ApiError::internal("approved grant without a reservation"));
                }
                reservations::release(conn, holder).await?;
                entries::post(conn, &entry).await?;
                let row =
                    disbursements::mark_paid(conn, grant.id, accountant.id.0, paid_on, entry.id)
                        .await?;
                audit::record(
                    conn,
                    accountant,
                    Change {
                        action: "disbursement.pay",
                        target_type: "disbursement",
                        target_id: Some(row.id),
                        unit_id: Some(row.unit_id),
                        changes: serde_json::json!({
                            "amount": row.amount.to_string(), "paid_on": paid_on,
                            "journal_entry_id": entry.id,
                        }),
                    },
                )
                .await?;
                Ok(DisbursementView::from(row))
            }
            .scope_boxed()
        },
    )
    .await
}
