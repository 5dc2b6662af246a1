use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::{Accountant, AuthUser};
use crate::db::bank_accounts::BankAccountRow;
use crate::db::units::UnitRow;
use crate::db::{accounts, bank_accounts, campaigns, units};
use crate::domain::statement::donor;
use crate::domain::{money, text, Role};
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::idempotency::{self, Begin, Claim, IdempotencyKey};
use crate::ledger::bulk::{self, LineDonation, LineSide, OpenLine, Target};
use crate::ledger::SourceType;
use crate::state::AppState;

/// Most line ids one request may name.
pub const MAX_LINE_IDS: usize = 200_000;
/// Ids of what was created are listed up to this many.
const MAX_LISTED: usize = 1_000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDonationsBody {
    /// These credit lines (lines already matched or ignored, or debits, are skipped)…
    pub line_ids: Option<Vec<Uuid>>,
    /// …or every unmatched credit line of the account; exactly one of the two.
    pub all_unmatched_credits: Option<bool>,
    /// The campaign the donations go to; a restricted campaign earmarks them.
    pub campaign_id: Option<Uuid>,
}

/// What a creation from statement lines made. Amounts are whole đồng as strings.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedFromLines {
    pub created: i64,
    /// Lines asked for that were not turned into anything: already matched or ignored, the
    /// wrong side, or (for fees from all debits) not a fee.
    pub skipped: i64,
    pub amount_vnd: String,
    /// Absent when more than 1,000 were created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub donation_ids: Option<Vec<Uuid>>,
    /// The fee entries; absent when more than 1,000 were created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_ids: Option<Vec<Uuid>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_receipt_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_receipt_number: Option<String>,
}

/// Lines named, or all of one side.
pub(super) enum Selection {
    Ids(Vec<Uuid>),
    All,
}

/// Exactly one of `line_ids` (non-empty) and `all = true`.
pub(super) fn selection(
    line_ids: Option<Vec<Uuid>>,
    all: Option<bool>,
    all_field: &str,
) -> ApiResult<Selection> {
    match (line_ids, all) {
        (Some(ids), None | Some(false)) => {
            if ids.is_empty() || ids.len() > MAX_LINE_IDS {
                return Err(ApiError::field(
                    "line_ids",
                    "1 to 200,000 line ids",
                    "từ 1 đến 200.000 mã dòng",
                ));
            }
            let mut ids = ids;
            ids.sort_unstable();
            ids.dedup();
            Ok(Selection::Ids(ids))
        }
        (None, Some(true)) => Ok(Selection::All),
        (Some(_), Some(true)) => Err(ApiError::field(
            all_field,
            "give line_ids or this, not both",
            "chỉ gửi line_ids hoặc trường này, không cả hai",
        )),
        (None, _) => Err(ApiError::field(
            "line_ids",
            format!("give line_ids or {all_field}: true"),
            format!("cần line_ids hoặc {all_field}: true"),
        )),
    }
}

/// The bank account and its fund, for a finance officer of that fund (404 outside the caller's
/// scope, 403 inside it without the role); named line ids must all be lines of the account.
pub(super) async fn account_for(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    selection: &Selection,
) -> ApiResult<(BankAccountRow, UnitRow)> {
    let bank = bank_accounts::find(conn, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(conn, bank.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    user.scope
        .authorize(Right::ActAs(Role::Accountant), &unit)?;
    if let Selection::Ids(ids) = selection {
        let found = bulk::lines_of_account(conn, bank.id, ids).await?;
        if found.len() != ids.len() {
            return Err(ApiError::field(
                "line_ids",
                "not all are lines of this bank account",
                "có mã dòng không thuộc tài khoản ngân hàng này",
            ));
        }
    }
    Ok((bank, unit))
}

/// Claims the Idempotency-Key, if any: `Err(response)` is a replay to send as is.
pub(super) async fn claim(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    key: &IdempotencyKey,
    hash: &[u8],
) -> ApiResult<Result<Claim, HttpResponse>> {
    Ok(match idempotency::begin(conn, user, key, hash).await? {
        Begin::Replay(response) => Err(response),
        Begin::Proceed(claim) => Ok(claim),
    })
}

/// Stores the response for the key once every chunk has committed (a replay answers it), or
/// frees the key when the work failed. The chunks commit one by one, so a request that fails
/// midway keeps what it made; repeating it skips the lines already matched.
pub(super) async fn finish(
    conn: &mut AsyncPgConnection,
    claim: Claim,
    result: ApiResult<CreatedFromLines>,
) -> ApiResult<HttpResponse> {
    let view = match result {
        Ok(view) => view,
        Err(e) => {
            claim.release(conn).await;
            return Err(e);
        }
    };
    let claim_ref = &claim;
    let view_ref = &view;
    let stored = conn
        .transaction::<_, ApiError, _>(|conn| {
            async move {
                claim_ref
                    .complete(conn, StatusCode::CREATED, view_ref)
                    .await
            }
            .scope_boxed()
        })
        .await;
    if let Err(e) = stored {
        claim.release(conn).await;
        return Err(e);
    }
    Ok(HttpResponse::Created().json(view))
}

/// Creates bank-transfer donations from the account's credit lines: one per line, dated the
/// line's date, for its amount, with the donor read from the description (capitals as the bank
/// printed them; anonymous when there is no name), each posted 1121.N/5111 (earmarked when the
/// campaign is restricted), numbered in line order, and each line matched to its entry. Lines
/// already matched or ignored are skipped, so a repeated request creates nothing more. Works in
/// transactions of 1,000 lines with one audit event (`statement_line.create_donations`) each.
#[utoipa::path(
    operation_id = "createDonationsFromStatementLines",
    context_path = "/v1",
    tag = "statements",
    params(
        ("id" = Uuid, Path, description = "the bank account"),
        ("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key and body returns the first response"),
    ),
    request_body = CreateDonationsBody,
    responses(
        (status = 201, description = "The donations created from the lines, with their receipt numbers", body = CreatedFromLines),
        (status = 409, description = "`period_closed` or `idempotency_in_progress`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/bank-accounts/{id}/statement-lines/create-donations")]
pub async fn create_donations(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<CreateDonationsBody>,
) -> ApiResult<HttpResponse> {
    let JsonBody { value, hash } = body;
    let selection = selection(
        value.line_ids,
        value.all_unmatched_credits,
        "all_unmatched_credits",
    )?;
    let mut conn = state.pools.write.get().await?;
    let (bank, unit) = account_for(&mut conn, &accountant, *id, &selection).await?;
    // a campaign is usable by its unit and every unit below it
    let (campaign_id, earmark) = match value.campaign_id {
        None => (None, None),
        Some(id) => {
            let c = campaigns::find(&mut conn, id)
                .await?
                .filter(|c| unit.ancestry.contains(&c.unit_id))
                .ok_or_else(|| {
                    ApiError::field(
                        "campaign_id",
                        "no such campaign for this unit",
                        "không có đợt vận động này cho đơn vị",
                    )
                })?;
            (Some(c.id), c.restricted.then_some(c.id))
        }
    };
    let ids = accounts::ids_by_code(&mut conn, unit.id, &["5111"]).await?;
    let income = *ids
        .get("5111")
        .ok_or_else(|| ApiError::internal("fund lacks account 5111"))?;
    let target = Target {
        unit_id: unit.id,
        unit_code: &unit.code,
        bank_account_id: bank.id,
        debit_account: bank.account_id,
        credit_account: income,
        earmark,
        created_by: accountant.id.0,
    };
    let claim = match claim(&mut conn, accountant.id.0, &key, &hash).await? {
        Ok(claim) => claim,
        Err(replay) => return Ok(replay),
    };
    let result = run(
        &mut conn,
        &accountant,
        &bank,
        &unit,
        &target,
        campaign_id,
        &selection,
    )
    .await;
    finish(&mut conn, claim, result).await
}

/// The chunks, one transaction each.
async fn run(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    bank: &BankAccountRow,
    unit: &UnitRow,
    target: &Target<'_>,
    campaign_id: Option<Uuid>,
    selection: &Selection,
) -> ApiResult<CreatedFromLines> {
    {
        let only = match selection {
            Selection::Ids(ids) => Some(ids.as_slice()),
            Selection::All => None,
        };
        let mut view = CreatedFromLines {
            created: 0,
            skipped: 0,
            amount_vnd: String::new(),
            donation_ids: Some(Vec::new()),
            entry_ids: None,
            first_receipt_number: None,
            last_receipt_number: None,
        };
        let mut total = Decimal::ZERO;
        let mut after = None;
        loop {
            let chunk = conn
                .transaction::<_, ApiError, _>(|conn| {
                    async move {
                        let lines = bulk::open_lines(
                            conn,
                            bank.id,
                            LineSide::Credit,
                            only,
                            after,
                            bulk::CHUNK,
                        )
                        .await?;
                        if lines.is_empty() {
                            return Ok(None);
                        }
                        let made = donations_of(&lines);
                        let ids: Vec<Uuid> = made.iter().map(|d| d.id).collect();
                        let entries = bulk::post_lines(
                            conn,
                            target,
                            SourceType::Donation,
                            "Ủng hộ (bank_transfer)",
                            &lines,
                            &ids,
                        )
                        .await?;
                        let amount: Decimal = lines.iter().map(|l| l.amount).sum();
                        audit::record(
                            conn,
                            user,
                            Change {
                                action: "statement_line.create_donations",
                                target_type: "bank_account",
                                target_id: Some(bank.id),
                                unit_id: Some(unit.id),
                                changes: serde_json::json!({
                                    "count": lines.len(),
                                    "amount_vnd": amount.to_string(),
                                    "campaign_id": campaign_id,
                                    "first_line_id": lines[0].id,
                                    "last_line_id": lines[lines.len() - 1].id,
                                }),
                            },
                        )
                        .await?;
                        // last: the receipt counter is the unit's shared row, held to commit
                        let receipts = bulk::insert_donations(
                            conn,
                            target,
                            campaign_id,
                            &lines,
                            &entries,
                            &made,
                        )
                        .await?;
                        let last = &lines[lines.len() - 1];
                        Ok(Some((ids, receipts, amount, (last.line_date, last.id))))
                    }
                    .scope_boxed()
                })
                .await?;
            let Some((ids, receipts, amount, last)) = chunk else {
                break;
            };
            view.created += ids.len() as i64;
            total += amount;
            if view.first_receipt_number.is_none() {
                view.first_receipt_number = receipts.first().cloned();
            }
            view.last_receipt_number = receipts.last().cloned();
            if let Some(listed) = view.donation_ids.as_mut() {
                if listed.len() + ids.len() > MAX_LISTED {
                    view.donation_ids = None;
                } else {
                    listed.extend(ids);
                }
            }
            after = Some(last);
        }
        if let Selection::Ids(ids) = selection {
            view.skipped = ids.len() as i64 - view.created;
        }
        view.amount_vnd = money::format(total);
        Ok(view)
    }
}

/// One donation per line, its donor read from the description.
fn donations_of(lines: &[OpenLine]) -> Vec<LineDonation> {
    lines
        .iter()
        .map(|l| {
            let d = donor::parse(&l.description);
            LineDonation {
                id: Uuid::now_v7(),
                donor_kind: d.kind.as_str(),
                donor_search: d.name.as_deref().map(text::fold).unwrap_or_default(),
                donor_name: d.name,
                public_display: d.public_display.as_str(),
                // `Số CT` is not unique on a statement: the line id makes the reference so
                bank_reference: match &l.doc_no {
                    Some(doc) => format!("{doc}/{}", l.id),
                    None => l.id.to_string(),
                },
                note: format!("Từ sao kê, dòng {}", l.id),
            }
        })
        .collect()
}
