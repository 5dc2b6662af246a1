use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Direction, TransferView};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Officer;
use crate::db::campaigns;
use crate::db::transfers::{self, NewTransfer};
use crate::db::units::{self, UnitRow};
use crate::domain::spending::{campaign_allows, Purpose};
use crate::domain::{money, text, Role};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTransfer {
    /// The sending unit; the caller is one of its officers.
    pub from_unit_id: Uuid,
    /// An ancestor (remittance) or a descendant (allocation) of the sender.
    pub to_unit_id: Uuid,
    #[schema(example = "1000000")]
    pub amount: String,
    /// A campaign usable by both units; if restricted, its earmark travels with the money.
    pub campaign_id: Option<Uuid>,
    #[schema(max_length = 500)]
    pub purpose: String,
    #[schema(max_length = 100)]
    pub decision_no: Option<String>,
}

/// The fields every submission checks the same way: amount, purpose, decision number.
pub(super) struct Terms {
    pub amount: Decimal,
    pub purpose: String,
    pub decision_no: Option<String>,
}

pub(super) fn parse_terms(
    amount: &str,
    purpose: &str,
    decision_no: Option<&str>,
) -> ApiResult<Terms> {
    let amount =
        money::parse_vnd(amount).map_err(|e| ApiError::field("amount", e.to_string(), e.vi()))?;
    let purpose = text::clean(purpose, 500)
        .ok_or_else(|| ApiError::field("purpose", "1 to 500 characters", "từ 1 đến 500 ký tự"))?;
    let decision_no = decision_no
        .map(|d| {
            text::clean(d, 100).ok_or_else(|| {
                ApiError::field("decision_no", "1 to 100 characters", "từ 1 đến 100 ký tự")
            })
        })
        .transpose()?;
    Ok(Terms {
        amount,
        purpose,
        decision_no,
    })
}

/// 422 unless the campaign exists and is usable by every unit in `units` (its unit is an
/// ancestor of each, or the unit itself).
pub(super) async fn check_campaign(
    conn: &mut AsyncPgConnection,
    campaign_id: Option<Uuid>,
    units: &[&UnitRow],
) -> ApiResult<()> {
    let Some(id) = campaign_id else {
        return Ok(());
    };
    let c = campaigns::find(conn, id)
        .await?
        .filter(|c| units.iter().all(|u| u.ancestry.contains(&c.unit_id)))
        .ok_or_else(|| {
            ApiError::field(
                "campaign_id",
                "no such campaign for both units",
                "không có đợt vận động này cho cả hai đơn vị",
            )
        })?;
    if c.restricted && !campaign_allows(&c.kind, Purpose::Transfer) {
        return Err(ApiError::new(Code::CampaignPurposeMismatch));
    }
    Ok(())
}

/// Submits a transfer from the caller's unit to an ancestor (remittance) or a descendant
/// (allocation). Nothing is reserved until an approver of the sender approves it.
#[utoipa::path(
    operation_id = "createTransfer",
    context_path = "/v1",
    tag = "transfers",
    request_body = CreateTransfer,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response")),
    responses(
        (status = 201, description = "The transfer submitted", body = TransferView),
        (status = 409, description = "`idempotency_in_progress`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (e.g. units not ancestor and descendant) or `idempotency_key_reused`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/transfers")]
pub async fn create(
    officer: Officer,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<CreateTransfer>,
) -> ApiResult<HttpResponse> {
    let b = &body.value;
    let terms = parse_terms(&b.amount, &b.purpose, b.decision_no.as_deref())?;
    let mut conn = state.pools.write.get().await?;
    let from = units::find(&mut conn, b.from_unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    officer
        .scope
        .authorize(Right::ActAs(Role::Officer), &from)?;
    let not_related = || {
        ApiError::field(
            "to_unit_id",
            "must be an ancestor or a descendant of the sending unit",
            "phải là đơn vị cấp trên hoặc cấp dưới của đơn vị chuyển",
        )
    };
    let to = units::find(&mut conn, b.to_unit_id)
        .await?
        .ok_or_else(not_related)?;
    let direction = Direction::between(&from, &to).ok_or_else(not_related)?;
    check_campaign(&mut conn, b.campaign_id, &[&from, &to]).await?;

    let new = NewTransfer {
        id: Uuid::now_v7(),
        from_unit_id: from.id,
        to_unit_id: to.id,
        direction: direction.as_str(),
        amount: terms.amount,
        campaign_id: b.campaign_id,
        purpose: &terms.purpose,
        decision_no: terms.decision_no.as_deref(),
        allocation_id: None,
        submitted_by: officer.id.0,
    };
    let officer = &officer;
    let new = &new;
    idempotency::transact(
        &mut conn,
        officer.id.0,
        &key,
        &body.hash,
        StatusCode::CREATED,
        |v: &TransferView| Some(format!("/v1/transfers/{}", v.id)),
        |conn| {
            async move {
                let row = transfers::insert(conn, std::slice::from_ref(new))
                    .await?
                    .pop()
                    .ok_or_else(|| ApiError::internal("insert returned no row"))?;
                audit::record(
                    conn,
                    officer,
                    Change {
                        action: "transfer.create",
                        target_type: "transfer",
                        target_id: Some(row.id),
                        unit_id: Some(row.from_unit_id),
                        changes: serde_json::json!({
                            "to_unit_id": row.to_unit_id,
                            "direction": row.direction,
                            "amount": money::format(row.amount),
                            "campaign_id": row.campaign_id,
                        }),
                    },
                )
                .await?;
                Ok(TransferView::from(row))
            }
            .scope_boxed()
        },
    )
    .await
}
