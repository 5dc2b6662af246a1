use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::EntryView;
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Accountant;
use crate::db::units;
use crate::domain::{text, Role};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::JsonBody;
use crate::idempotency::{self, Begin, Claim, IdempotencyKey};
use crate::ledger::entries::{self, EntryRow};
use crate::ledger::SourceType;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReverseEntry {
    #[schema(max_length = 1000)]
    pub reason: String,
    /// Local date of the reversing entry, in an open month, not before the original and not in
    /// the future; today when omitted.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub effective_date: Option<NaiveDate>,
}

/// Posts the exact reverse of an entry (every side flipped), pointing back at it. An entry is
/// reversed at most once; a reversal may itself be reversed. A donation's entry is undone by
/// voiding the donation instead. Accepts `Idempotency-Key`.
#[utoipa::path(
    operation_id = "reverseJournalEntry",
    context_path = "/v1",
    tag = "ledger",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = ReverseEntry,
    responses(
        (status = 201, description = "The reversing entry posted", body = EntryView),
        (status = 409, description = "`already_reversed`, `period_closed`, `insufficient_funds`, or `conflict` for a donation's entry", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/journal/{id}/reverse")]
pub async fn reverse(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<ReverseEntry>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.pools.write.get().await?;
    let original = entries::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(&mut conn, original.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    accountant
        .scope
        .authorize(Right::ActAs(Role::Accountant), &unit)?;
    let reason = text::clean(&body.value.reason, 1000)
        .ok_or_else(|| ApiError::field("reason", "1 to 1000 characters", "từ 1 đến 1000 ký tự"))?;
    let today = state.settings.clock.today();
    let effective_date = body.value.effective_date.unwrap_or(today);
    if effective_date > today {
        return Err(ApiError::field(
            "effective_date",
            "must not be in the future",
            "không được sau ngày hôm nay",
        ));
    }
    if effective_date < original.effective_date {
        return Err(ApiError::field(
            "effective_date",
            "must not be before the entry it reverses",
            "không được trước ngày của bút toán bị đảo",
        ));
    }
    match SourceType::parse(&original.source_type) {
        // the donation register must agree with the ledger: a donation is undone by its void,
        // and a void stays final
        Some(SourceType::Donation) => return Err(ApiError::new(Code::Conflict).detail(
            "This entry records a donation: void the donation instead.",
            "Bút toán này ghi nhận một khoản ủng hộ: hãy hủy khoản ủng hộ thay vì đảo bút toán.",
        )),
        Some(SourceType::DonationVoid) => {
            return Err(ApiError::new(Code::Conflict).detail(
                "This entry voids a donation; a void cannot be reversed.",
                "Bút toán này hủy một khoản ủng hộ; không thể đảo việc hủy.",
            ))
        }
        // entries that only the ledger knows about may be corrected by reversal
        Some(
            SourceType::Manual
            | SourceType::Reversal
            | SourceType::BankFee
            | SourceType::BankInterest,
        ) => {}
        // the rest belong to a spending or transfer record, which has its own way back
        _ => {
            return Err(ApiError::new(Code::Conflict).detail(
                "This entry belongs to a spending or transfer record: undo it there.",
                "Bút toán này thuộc một khoản chi hoặc điều chuyển: hãy xử lý tại đó.",
            ))
        }
    }
    let claim = match idempotency::begin(&mut conn, accountant.id.0, &key, &body.hash).await? {
        Begin::Replay(response) => return Ok(response),
        Begin::Proceed(claim) => claim,
    };
    let result = reverse_in_tx(
        &mut conn,
        &accountant,
        &original,
        effective_date,
        reason,
        &claim,
    )
    .await;
    if result.is_err() {
        claim.release(&mut conn).await;
    }
    let view = result?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/journal/{}", view.id)))
        .json(view))
}

async fn reverse_in_tx(
    conn: &mut AsyncPgConnection,
    accountant: &Accountant,
    original: &EntryRow,
    effective_date: NaiveDate,
    reason: String,
    claim: &Claim,
) -> ApiResult<EntryView> {
    conn.transaction::<_, ApiError, _>(|conn| {
        async move {
            // checked here for a clear answer; the unique `reverses_id` decides under concurrency
            if entries::reversal_of(conn, original.id).await?.is_some() {
                return Err(ApiError::new(Code::AlreadyReversed));
            }
            let description: String = format!("Đảo bút toán: {}", original.description).chars().take(500).collect();
            let id = entries::reverse(
                conn,
                original,
                SourceType::Reversal,
                effective_date,
                description,
                Some(reason),
                Some(accountant.id.0),
            )
            .await?;
            audit::record(
                conn,
                accountant,
                Change {
                    action: "journal.reverse",
                    target_type: "journal_entry",
                    target_id: Some(id),
                    unit_id: Some(original.unit_id),
                    changes: serde_json::json!({"reverses_id": original.id, "effective_date": effective_date}),
                },
            )
            .await?;
            let view = super::view(conn, id).await?;
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
