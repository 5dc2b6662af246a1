//! Tranches: the funding unit's finance officer pays part of the support (`advance`,
//! `progress`, or `final` once the house is accepted), in cash or from a bank account of the
//! fund. In one transaction with the project locked: the paid amount grows (never beyond the
//! support: 409 `exceeds_support`, and concurrent payments queue on the lock), the approval's
//! reservation is used, and the entry posts 6111 (new) or 6112 (repair) against 1111 or 1121.N.

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::PaymentView;
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Accountant;
use crate::db::bank_accounts;
use crate::db::houses::{self, NewPayment};
use crate::domain::house::{HouseKind, Stage, TrancheMethod};
use crate::domain::spending::Status;
use crate::domain::{money, Role};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::ledger::reservations::{self, Holder, Pool};
use crate::ledger::{entries, payouts, rules, NewEntry, SourceType};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayTranche {
    /// Whole đồng, a string; the tranches together never exceed the support.
    #[schema(example = "20000000")]
    pub amount: String,
    pub stage: Stage,
    pub method: TrancheMethod,
    /// Required when `method` is `bank`: a bank account of the funding unit.
    pub bank_account_id: Option<Uuid>,
    /// Local date the money was paid (the entry's effective date); not in the future.
    #[serde(deserialize_with = "crate::domain::fund_date::deserialize")]
    pub paid_on: NaiveDate,
}

/// Pays a tranche of an approved, started or completed project (finance officer of the
/// funding unit).
#[utoipa::path(
    operation_id = "payHouseTranche",
    context_path = "/v1",
    tag = "houses",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response")),
    request_body = PayTranche,
    responses(
        (status = 201, description = "The tranche paid, with its journal entry", body = PaymentView),
        (status = 409, description = "`exceeds_support`, `not_completed` (a `final` tranche before acceptance), `invalid_state`, `insufficient_funds` or `period_closed`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/houses/{id}/payments")]
pub async fn pay(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<PayTranche>,
) -> ApiResult<HttpResponse> {
    let input = &body.value;
    let amount = money::parse_vnd(&input.amount)
        .map_err(|e| ApiError::field("amount", e.to_string(), e.vi()))?;
    if (input.method == TrancheMethod::Bank) != input.bank_account_id.is_some() {
        return Err(ApiError::field(
            "bank_account_id",
            "required for method bank, and only then",
            "bắt buộc khi chi qua ngân hàng, và chỉ khi đó",
        ));
    }
    let today = state.settings.clock.today();
    if input.paid_on > today {
        return Err(ApiError::field(
            "paid_on",
            "cannot be in the future",
            "không được là ngày trong tương lai",
        ));
    }
    let mut conn = state.pools.write.get().await?;
    let (project, unit) = super::find_visible(&mut conn, &accountant, *id).await?;
    accountant
        .scope
        .authorize(Right::ActAs(Role::Accountant), &unit)?;
    let bank = match input.bank_account_id {
        None => None,
        Some(b) => Some(
            bank_accounts::find(&mut conn, b)
                .await?
                .filter(|b| b.unit_id == unit.id)
                .ok_or_else(|| {
                    ApiError::field(
                        "bank_account_id",
                        "not a bank account of this fund",
                        "không phải tài khoản ngân hàng của quỹ này",
                    )
                })?
                .account_id,
        ),
    };
    let accountant = &accountant;
    let id = project.id;
    idempotency::transact(
        &mut conn,
        accountant.id.0,
        &key,
        &body.hash,
        StatusCode::CREATED,
        |_| None,
        move |conn| {
            async move {
                // concurrent tranches of one project queue here and see each other's amounts
                let project = houses::lock(conn, id).await?;
                let status = Status::parse(&project.status);
                if !matches!(
                    status,
                    Some(Status::Approved | Status::Started | Status::Completed)
                ) {
                    return Err(ApiError::new(Code::InvalidState).detail(
                        format!("no payment while {}", project.status),
                        format!(
                            "không chi được khi đang ở trạng thái {}",
                            crate::vocabulary::term(&project.status, crate::i18n::Lang::Vi)
                        ),
                    ));
                }
                if input.stage == Stage::Final && status != Some(Status::Completed) {
                    return Err(ApiError::new(Code::NotCompleted));
                }
                if project.paid_amount + amount > project.support_amount {
                    let (left_en, left_vi) =
                        crate::vocabulary::amounts(project.remaining_support());
                    return Err(ApiError::new(Code::ExceedsSupport).detail(
                        format!("only {left_en} of the support is left"),
                        format!("chỉ còn {left_vi} trong số tiền hỗ trợ"),
                    ));
                }
                let kind = HouseKind::parse(&project.kind)
                    .ok_or_else(|| ApiError::internal(format!("stored kind {}", project.kind)))?;
                let method = input.method.method();
                let source =
                    payouts::source_account(conn, project.funding_unit_id, method, bank).await?;
                let expense =
                    payouts::account_id(conn, project.funding_unit_id, kind.expense_code()).await?;
                let entry = NewEntry {
                    id: Uuid::now_v7(),
                    unit_id: project.funding_unit_id,
                    effective_date: input.paid_on,
                    source_type: SourceType::HousePayment,
                    source_id: Some(project.id),
                    description: format!(
                        "Chi hỗ trợ nhà Đại đoàn kết ({}, {})",
                        kind.as_str(),
                        input.stage.as_str()
                    ),
                    reason: None,
                    reverses_id: None,
                    created_by: Some(accountant.id.0),
                    postings: rules::spend(expense, &[(source, amount)], project.earmark_id),
                };
                // use the reservation first: the entry's overdraft check (run at once by
                // `post`) counts what is still reserved
                if !reservations::consume(conn, Holder::House(project.id), Pool::Money, amount)
                    .await?
                {
                    return Err(ApiError::internal("approved house without a reservation"));
                }
                entries::post(conn, &entry).await?;
                let row = houses::add_paid(conn, project.id, amount).await?;
                let payment = houses::insert_payment(
                    conn,
                    &NewPayment {
                        id: Uuid::now_v7(),
                        house_id: project.id,
                        stage: input.stage.as_str(),
                        amount,
                        method: input.method.as_str(),
                        bank_account_id: input.bank_account_id,
                        paid_on: input.paid_on,
                        journal_entry_id: entry.id,
                        paid_by: accountant.id.0,
                    },
                )
                .await?;
                audit::record(
                    conn,
                    accountant,
                    Change {
                        action: "house.pay",
                        target_type: "house",
                        target_id: Some(project.id),
                        unit_id: Some(project.funding_unit_id),
                        changes: serde_json::json!({
                            "payment_id": payment.id, "stage": payment.stage,
                            "amount": money::format(amount), "method": payment.method,
                            "paid_on": payment.paid_on, "journal_entry_id": entry.id,
                            "paid_amount": money::format(row.paid_amount),
                        }),
                    },
                )
                .await?;
                Ok(PaymentView::from(payment))
            }
            .scope_boxed()
        },
    )
    .await
}
