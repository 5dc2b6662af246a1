use actix_web::{post, web, HttpResponse};
use chrono::{SubsecRound, Utc};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::DonationView;
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Officer;
use crate::db::donations::{self, NewDonation};
use crate::db::units::UnitRow;
use crate::db::{accounts, bank_accounts, campaigns, units};
use crate::domain::donation::{Channel, CreateDonation, Donation};
use crate::domain::{text, Role};
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::idempotency::{self, Begin, Claim, IdempotencyKey};
use crate::ledger::rules::{self, DonationAccounts, Receipt};
use crate::ledger::{entries, NewEntry, SourceType};
use crate::state::AppState;

/// Records a donation: its balanced journal entry and its gapless receipt number commit
/// together. Send an `Idempotency-Key` so a retry after a timeout cannot record it twice.
#[utoipa::path(
    operation_id = "createDonation",
    context_path = "/v1",
    tag = "donations",
    request_body = CreateDonation,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response")),
    responses(
        (status = 201, description = "The donation recorded, with its receipt number and journal entry", body = DonationView),
        (status = 409, description = "`duplicate_bank_reference`, `period_closed` or `idempotency_in_progress`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` or `idempotency_key_reused`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/donations")]
pub async fn create(
    officer: Officer,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<CreateDonation>,
) -> ApiResult<HttpResponse> {
    let donation = body
        .value
        .parse(state.settings.clock.today())
        .map_err(ApiError::validation)?;
    let mut conn = state.pools.write.get().await?;
    let unit = units::find(&mut conn, donation.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    officer
        .scope
        .authorize(Right::ActAs(Role::Officer), &unit)?;
    let claim = match idempotency::begin(&mut conn, officer.id.0, &key, &body.hash).await? {
        Begin::Replay(response) => return Ok(response),
        Begin::Proceed(claim) => claim,
    };
    let result = record(&mut conn, &officer, &unit, donation, &claim).await;
    if result.is_err() {
        claim.release(&mut conn).await;
    }
    let view = result?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/donations/{}", view.id)))
        .json(view))
}

async fn record(
    conn: &mut AsyncPgConnection,
    officer: &Officer,
    unit: &UnitRow,
    d: Donation,
    claim: &Claim,
) -> ApiResult<DonationView> {
    // A campaign is usable by its unit and every unit below it.
    let earmark = match d.campaign_id {
        None => None,
        Some(id) => {
            let c = campaigns::find(conn, id)
                .await?
                .filter(|c| unit.ancestry.contains(&c.unit_id))
                .ok_or_else(|| {
                    ApiError::field(
                        "campaign_id",
                        "no such campaign for this unit",
                        "không có đợt vận động này cho đơn vị",
                    )
                })?;
            c.restricted.then_some(c.id)
        }
    };
    let receipt = match (d.channel, d.bank_account_id) {
        (Channel::BankTransfer, Some(id)) => {
            let bank = bank_accounts::find(conn, id)
                .await?
                .filter(|b| b.unit_id == unit.id)
                .ok_or_else(|| {
                    ApiError::field(
                        "bank_account_id",
                        "not a bank account of this fund",
                        "không phải tài khoản ngân hàng của quỹ này",
                    )
                })?;
            // a bank reference already recorded for this account is refused by the unique
            // index (409 duplicate_bank_reference), which also rolls back the receipt number
            Receipt::Bank(bank.account_id)
        }
        (Channel::InKind, _) => Receipt::InKind,
        _ => Receipt::Cash,
    };
    let ids = accounts::ids_by_code(conn, unit.id, &["1111", "1551", "5111", "5112"]).await?;
    let account = |code: &str| {
        ids.get(code)
            .copied()
            .ok_or_else(|| ApiError::internal(format!("fund lacks account {code}")))
    };
    let chart = DonationAccounts {
        cash: account("1111")?,
        in_kind: account("1551")?,
        cash_income: account("5111")?,
        in_kind_income: account("5112")?,
    };

    let donation_id = Uuid::now_v7();
    let entry = NewEntry {
        id: Uuid::now_v7(),
        unit_id: unit.id,
        effective_date: d.received_on,
        source_type: SourceType::Donation,
        source_id: Some(donation_id),
        description: format!("Ủng hộ ({})", d.channel.as_str()),
        reason: None,
        reverses_id: None,
        created_by: Some(officer.id.0),
        postings: rules::donation(receipt, &chart, d.amount_vnd, earmark),
    };
    let items = d
        .in_kind_items
        .as_ref()
        .map(|i| serde_json::to_value(i).unwrap_or_default());
    conn.transaction::<_, ApiError, _>(|conn| {
        async move {
            entries::post(conn, &entry).await?;
            audit::record(
                conn,
                officer,
                Change {
                    action: "donation.create",
                    target_type: "donation",
                    target_id: Some(donation_id),
                    unit_id: Some(unit.id),
                    changes: serde_json::json!({"channel": d.channel, "amount_vnd": d.amount_vnd.to_string(), "journal_entry_id": entry.id}),
                },
            )
            .await?;
            let new = NewDonation {
                    id: donation_id,
                    unit_id: unit.id,
                    unit_code: &unit.code,
                    campaign_id: d.campaign_id,
                    channel: d.channel.as_str(),
                    amount: d.amount,
                    currency: d.currency.code,
                    fx_rate: d.fx_rate,
                    amount_vnd: d.amount_vnd,
                    received_on: d.received_on,
                    donor_kind: d.donor_kind.as_str(),
                    donor_name: d.donor_name.as_deref(),
                    donor_search: d.donor_name.as_deref().map(text::fold).unwrap_or_default(),
                    donor_phone: d.donor_phone.as_deref(),
                    donor_email: d.donor_email.as_deref(),
                    donor_address: d.donor_address.as_deref(),
                    donor_tax_code: d.donor_tax_code.as_deref(),
                    public_display: d.public_display.as_str(),
                    bank_account_id: d.bank_account_id,
                    bank_reference: d.bank_reference.as_deref(),
                    in_kind_items: items,
                    note: d.note.as_deref(),
                    journal_entry_id: entry.id,
                    created_by: officer.id.0,
                    // PostgreSQL keeps microseconds: the stored replay must match the row
                    created_at: Utc::now().trunc_subsecs(6),
            };
            let response = match claim.owner() {
                Some(_) => Some(serde_json::to_value(DonationView::new(new.as_recorded(), true)).map_err(ApiError::internal)?),
                None => None,
            };
            let location = format!("/v1/donations/{}", new.id);
            let completion = claim.owner().zip(response.as_ref()).map(|((user_id, key), response)| donations::Completion {
                user_id,
                key,
                response,
                location: &location,
            });
            // last: the receipt counter is the unit's one shared row, held until commit; the
            // idempotent response is stored by the same statement
            let row = donations::insert_with_receipt(conn, &new, completion).await?;
            Ok(DonationView::new(row, true))
        }
        .scope_boxed()
    })
    .await
}
