use std::collections::{HashMap, HashSet};

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::create::{check_campaign, parse_terms};
use super::{Direction, TransferView};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Officer;
use crate::db::transfers::{self, NewTransfer};
use crate::db::units::{self, UnitRow};
use crate::domain::{money, Role};
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// At most this many shares in one allocation.
pub const MAX_SHARES: usize = 1000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Share {
    /// A descendant of the sending unit.
    pub to_unit_id: Uuid,
    /// A positive whole number; the unit gets amount × weight / Σ weights (largest remainder).
    #[schema(minimum = 1, example = 1)]
    pub weight: u32,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllocateTransfers {
    pub from_unit_id: Uuid,
    /// The total, split exactly over the shares.
    #[schema(example = "1000000")]
    pub amount: String,
    pub campaign_id: Option<Uuid>,
    #[schema(max_length = 500)]
    pub purpose: String,
    #[schema(max_length = 100)]
    pub decision_no: Option<String>,
    /// 1 to 1000 shares, each to a different descendant.
    pub shares: Vec<Share>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AllocationView {
    pub allocation_id: Uuid,
    /// One submitted transfer per share, in the order of the shares.
    pub items: Vec<TransferView>,
}

/// Allocates an amount down to several descendants by weight: one submitted transfer per
/// share, the parts summing exactly to the amount (largest remainder), all created together or
/// none. Each transfer is then approved, sent and received on its own.
#[utoipa::path(
    operation_id = "allocateTransfers",
    context_path = "/v1",
    tag = "transfers",
    request_body = AllocateTransfers,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response")),
    responses(
        (status = 201, description = "The transfers of the allocation, submitted", body = AllocationView),
        (status = 409, description = "`idempotency_in_progress`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (e.g. a share that is not a descendant, or whose part would be 0) or `idempotency_key_reused`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/transfers/allocate")]
pub async fn allocate(
    officer: Officer,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<AllocateTransfers>,
) -> ApiResult<HttpResponse> {
    let b = &body.value;
    let terms = parse_terms(&b.amount, &b.purpose, b.decision_no.as_deref())?;
    if b.shares.is_empty() || b.shares.len() > MAX_SHARES {
        return Err(ApiError::field(
            "shares",
            format!("1 to {MAX_SHARES} shares"),
            format!("từ 1 đến {MAX_SHARES} phần"),
        ));
    }
    let mut seen = HashSet::new();
    for (i, s) in b.shares.iter().enumerate() {
        if s.weight == 0 {
            return Err(ApiError::field(
                &format!("shares[{i}].weight"),
                "must be a positive whole number",
                "phải là số nguyên dương",
            ));
        }
        if !seen.insert(s.to_unit_id) {
            return Err(ApiError::field(
                &format!("shares[{i}].to_unit_id"),
                "appears twice",
                "bị lặp lại",
            ));
        }
    }
    let total = terms
        .amount
        .to_i64()
        .ok_or_else(|| ApiError::internal("amount beyond i64"))?;
    let weights: Vec<u64> = b.shares.iter().map(|s| u64::from(s.weight)).collect();
    let parts = money::split_largest_remainder(total, &weights)
        .ok_or_else(|| ApiError::internal("no positive weight"))?;
    if let Some(i) = parts.iter().position(|p| *p == 0) {
        return Err(ApiError::field(
            &format!("shares[{i}].weight"),
            "its part of the amount would be 0",
            "phần được chia sẽ bằng 0",
        ));
    }

    let mut conn = state.pools.write.get().await?;
    let from = units::find(&mut conn, b.from_unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    officer
        .scope
        .authorize(Right::ActAs(Role::Officer), &from)?;
    let ids: Vec<Uuid> = b.shares.iter().map(|s| s.to_unit_id).collect();
    let found: HashMap<Uuid, UnitRow> = units::find_many(&mut conn, &ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut receivers = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let to = found
            .get(id)
            .filter(|to| Direction::between(&from, to) == Some(Direction::Allocation))
            .ok_or_else(|| {
                ApiError::field(
                    &format!("shares[{i}].to_unit_id"),
                    "must be a unit below the sending unit",
                    "phải là đơn vị cấp dưới của đơn vị chuyển",
                )
            })?;
        receivers.push(to);
    }
    let mut both = receivers.clone();
    both.push(&from);
    check_campaign(&mut conn, b.campaign_id, &both).await?;

    let allocation_id = Uuid::now_v7();
    let rows: Vec<NewTransfer> = receivers
        .iter()
        .zip(&parts)
        .map(|(to, part)| NewTransfer {
            id: Uuid::now_v7(),
            from_unit_id: from.id,
            to_unit_id: to.id,
            direction: Direction::Allocation.as_str(),
            amount: Decimal::from(*part),
            campaign_id: b.campaign_id,
            purpose: &terms.purpose,
            decision_no: terms.decision_no.as_deref(),
            allocation_id: Some(allocation_id),
            submitted_by: officer.id.0,
        })
        .collect();
    let officer = &officer;
    let rows = &rows;
    let from_id = from.id;
    let (amount, campaign_id) = (terms.amount, b.campaign_id);
    idempotency::transact(
        &mut conn,
        officer.id.0,
        &key,
        &body.hash,
        StatusCode::CREATED,
        |_: &AllocationView| None,
        |conn| {
            async move {
                let mut created = transfers::insert(conn, rows).await?;
                // RETURNING gives no order guarantee: answer in the order of the shares
                let position: HashMap<Uuid, usize> =
                    rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
                created.sort_by_key(|r| position.get(&r.id).copied());
                audit::record(
                    conn,
                    officer,
                    Change {
                        action: "transfer.allocate",
                        target_type: "allocation",
                        target_id: Some(allocation_id),
                        unit_id: Some(from_id),
                        changes: serde_json::json!({
                            "amount": money::format(amount),
                            "campaign_id": campaign_id,
                            "transfers": created
                                .iter()
                                .map(|t| serde_json::json!({
                                    "id": t.id,
                                    "to_unit_id": t.to_unit_id,
                                    "amount": money::format(t.amount),
                                }))
                                .collect::<Vec<_>>(),
                        }),
                    },
                )
                .await?;
                Ok(AllocationView {
                    allocation_id,
                    items: created.into_iter().map(TransferView::from).collect(),
                })
            }
            .scope_boxed()
        },
    )
    .await
}
