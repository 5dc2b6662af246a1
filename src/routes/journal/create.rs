use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::EntryView;
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Accountant;
use crate::db::units::UnitRow;
use crate::db::{accounts, campaigns, units};
use crate::domain::{money, text, Role};
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::extract::JsonBody;
use crate::idempotency::{self, Begin, Claim, IdempotencyKey};
use crate::ledger::{entries, NewEntry, NewPosting, Side, SourceType};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualEntry {
    pub unit_id: Uuid,
    /// Local date in an open month, not in the future; today when omitted.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub effective_date: Option<NaiveDate>,
    #[schema(max_length = 500)]
    pub description: String,
    /// Why the adjustment is needed (required).
    #[schema(max_length = 1000)]
    pub reason: String,
    /// Two or more lines; debits and credits must balance.
    #[schema(min_items = 2)]
    pub postings: Vec<ManualPosting>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualPosting {
    /// An account of the fund's chart: `1111`, `6191`, `1121.2`…
    pub account_code: String,
    pub side: Side,
    /// Whole đồng as a string, positive, at most 10^15.
    #[schema(example = "1500000")]
    pub amount: String,
    /// Earmark: a campaign of this unit or of a unit above it.
    pub campaign_id: Option<Uuid>,
}

/// A manual adjustment by the unit's finance officer: any balanced set of postings, with a
/// reason. Accepts `Idempotency-Key`.
#[utoipa::path(
    operation_id = "createJournalEntry",
    context_path = "/v1",
    tag = "ledger",
    params(("Idempotency-Key" = Option<String>, Header)),
    request_body = ManualEntry,
    responses(
        (status = 201, description = "The manual entry posted", body = EntryView),
        (status = 409, description = "`period_closed` or `insufficient_funds`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`unbalanced_entry` or `validation_failed`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/journal")]
pub async fn create(
    accountant: Accountant,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<ManualEntry>,
) -> ApiResult<HttpResponse> {
    let input = &body.value;
    let mut conn = state.pools.write.get().await?;
    let unit = units::find(&mut conn, input.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    accountant
        .scope
        .authorize(Right::ActAs(Role::Accountant), &unit)?;
    let today = state.settings.clock.today();
    let (description, reason, effective_date, amounts) = validate(input, today)?;
    let lines = resolve(&mut conn, &unit, input, &amounts).await?;

    let claim = match idempotency::begin(&mut conn, accountant.id.0, &key, &body.hash).await? {
        Begin::Replay(response) => return Ok(response),
        Begin::Proceed(claim) => claim,
    };
    let entry = NewEntry {
        id: Uuid::now_v7(),
        unit_id: unit.id,
        effective_date,
        source_type: SourceType::Manual,
        source_id: None,
        description,
        reason: Some(reason),
        reverses_id: None,
        created_by: Some(accountant.id.0),
        postings: lines,
    };
    let result = post_in_tx(&mut conn, &accountant, &entry, &claim).await;
    if result.is_err() {
        claim.release(&mut conn).await;
    }
    let view = result?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/journal/{}", view.id)))
        .json(view))
}

/// Checks that need no database: texts, date, amounts, and that the entry balances.
fn validate(
    input: &ManualEntry,
    today: NaiveDate,
) -> ApiResult<(String, String, NaiveDate, Vec<Decimal>)> {
    let mut errors = Vec::new();
    let description = text::clean(&input.description, 500);
    if description.is_none() {
        errors.push(FieldError::new(
            "description",
            "1 to 500 characters",
            "từ 1 đến 500 ký tự",
        ));
    }
    let reason = text::clean(&input.reason, 1000);
    if reason.is_none() {
        errors.push(FieldError::new(
            "reason",
            "1 to 1000 characters",
            "từ 1 đến 1000 ký tự",
        ));
    }
    let effective_date = input.effective_date.unwrap_or(today);
    if effective_date > today {
        errors.push(FieldError::new(
            "effective_date",
            "must not be in the future",
            "không được sau ngày hôm nay",
        ));
    }
    if input.postings.len() < 2 {
        errors.push(FieldError::new(
            "postings",
            "at least two postings",
            "cần ít nhất hai dòng hạch toán",
        ));
    }
    let mut amounts = Vec::with_capacity(input.postings.len());
    for (i, p) in input.postings.iter().enumerate() {
        match money::parse_vnd(&p.amount) {
            Ok(a) => amounts.push(a),
            Err(e) => errors.push(FieldError::new(
                format!("postings[{i}].amount"),
                e.to_string(),
                e.vi(),
            )),
        }
    }
    let (Some(description), Some(reason), true) = (description, reason, errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let total = |side: Side| -> Decimal {
        input
            .postings
            .iter()
            .zip(&amounts)
            .filter(|(p, _)| p.side == side)
            .map(|(_, a)| *a)
            .sum()
    };
    let (debits, credits) = (total(Side::Debit), total(Side::Credit));
    if debits != credits {
        let (debits_en, debits_vi) = crate::vocabulary::amounts(debits);
        let (credits_en, credits_vi) = crate::vocabulary::amounts(credits);
        return Err(ApiError::new(Code::UnbalancedEntry).detail(
            format!("Debits total {debits_en} but credits total {credits_en}."),
            format!("Tổng Nợ là {debits_vi} nhưng tổng Có là {credits_vi}."),
        ));
    }
    Ok((description, reason, effective_date, amounts))
}

/// Turns account codes into the fund's accounts and checks each earmark may be used here.
async fn resolve(
    conn: &mut AsyncPgConnection,
    unit: &UnitRow,
    input: &ManualEntry,
    amounts: &[Decimal],
) -> ApiResult<Vec<NewPosting>> {
    let codes: Vec<&str> = input
        .postings
        .iter()
        .map(|p| p.account_code.as_str())
        .collect();
    let ids = accounts::ids_by_code(conn, unit.id, &codes).await?;
    let mut usable: HashMap<Uuid, bool> = HashMap::new();
    let mut errors = Vec::new();
    let mut lines = Vec::with_capacity(input.postings.len());
    for (i, (p, amount)) in input.postings.iter().zip(amounts).enumerate() {
        let account = ids.get(&p.account_code).copied();
        if account.is_none() {
            errors.push(FieldError::new(
                format!("postings[{i}].account_code"),
                "no such account in this fund's chart",
                "không có tài khoản này trong hệ thống tài khoản của quỹ",
            ));
        }
        if let Some(campaign) = p.campaign_id {
            let ok = match usable.get(&campaign) {
                Some(ok) => *ok,
                None => {
                    // an earmark is usable by the campaign's unit and every unit below it
                    let ok = campaigns::find(conn, campaign)
                        .await?
                        .is_some_and(|c| unit.is_within(c.unit_id));
                    usable.insert(campaign, ok);
                    ok
                }
            };
            if !ok {
                errors.push(FieldError::new(
                    format!("postings[{i}].campaign_id"),
                    "no such campaign usable by this unit",
                    "không có đợt vận động này cho đơn vị",
                ));
            }
        }
        if let Some(account_id) = account {
            lines.push(NewPosting {
                account_id,
                side: p.side,
                amount: *amount,
                campaign_id: p.campaign_id,
            });
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    Ok(lines)
}

async fn post_in_tx(
    conn: &mut AsyncPgConnection,
    accountant: &Accountant,
    entry: &NewEntry,
    claim: &Claim,
) -> ApiResult<EntryView> {
    conn.transaction::<_, ApiError, _>(|conn| {
        async move {
            // the database checks balance, closed months and overdraft here, before the audit row
            entries::post(conn, entry).await?;
            let total: Decimal = entry
                .postings
                .iter()
                .filter(|p| p.side == Side::Debit)
                .map(|p| p.amount)
                .sum();
            audit::record(
                conn,
                accountant,
                Change {
                    action: "journal.manual_entry",
                    target_type: "journal_entry",
                    target_id: Some(entry.id),
                    unit_id: Some(entry.unit_id),
                    changes: serde_json::json!({
                        "effective_date": entry.effective_date,
                        "total": money::format(total),
                        "postings": entry.postings.len(),
                    }),
                },
            )
            .await?;
            let view = super::view(conn, entry.id).await?;
            let location = format!("/v1/journal/{}", view.id);
            claim
                .complete_at(conn, StatusCode::CREATED, &view, Some(&location))
                .await?;
            Ok(view)
        }
        .scope_boxed()
    })
    .await
}
