use actix_web::http::StatusCode;
use actix_web::{put, web, HttpResponse};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{NormView, NormsView};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Approver;
use crate::db::{housing_norms, units};
use crate::domain::house::HouseKind;
use crate::domain::{money, Role};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// The most norms one request may set.
const MAX_ITEMS: usize = 50;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetNorm {
    #[serde(deserialize_with = "crate::domain::fund_date::plan")]
    pub effective_from: NaiveDate,
    pub kind: HouseKind,
    /// Whole đồng, a string.
    #[schema(example = "60000000")]
    pub amount: String,
    /// The unit whose subtree it applies to; leave out for a national norm (approver at the
    /// central unit only).
    pub unit_id: Option<Uuid>,
}

/// Sets support norms (1 to 50): each replaces the amount of the same unit, kind and date, or
/// adds a norm. National norms need `approver` at the central unit, a unit's norm `approver` at
/// that unit. Answers the norms as written.
#[utoipa::path(
    operation_id = "setHousingNorms",
    context_path = "/v1",
    tag = "houses",
    request_body = Vec<SetNorm>,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response")),
    responses((status = 200, description = "The norms as now set", body = NormsView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[put("/housing-norms")]
pub async fn put(
    approver: Approver,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<Vec<SetNorm>>,
) -> ApiResult<HttpResponse> {
    let items = &body.value;
    if items.is_empty() || items.len() > MAX_ITEMS {
        // the list as a whole has no field to name
        return Err(ApiError::new(crate::error::Code::ValidationFailed).detail(
            format!("Send 1 to {MAX_ITEMS} norms."),
            format!("Hãy gửi từ 1 đến {MAX_ITEMS} định mức."),
        ));
    }
    let mut errors = Vec::new();
    let mut amounts: Vec<Decimal> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match money::parse_vnd(&item.amount) {
            Ok(a) => amounts.push(a),
            Err(e) => errors.push(FieldError::new(
                format!("[{i}].amount"),
                e.to_string(),
                e.vi(),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }

    let mut conn = state.pools.write.get().await?;
    // where each norm's audit event belongs: its unit, or the central unit for national ones
    let central = units::find_by_code(&mut conn, "TW")
        .await?
        .ok_or_else(|| ApiError::internal("the central unit TW is missing"))?;
    let mut owners: Vec<Uuid> = Vec::with_capacity(items.len());
    for item in items {
        match item.unit_id {
            None => {
                // national norms are everyone's to read: no right here is 403, never 404
                if !approver
                    .scope
                    .allows(Right::ActAs(Role::Approver), &central)
                {
                    return Err(crate::auth::scope::lacking(
                        Right::ActAs(Role::Approver),
                        &central,
                    )
                    .into());
                }
                owners.push(central.id);
            }
            Some(id) => {
                let unit = units::find(&mut conn, id)
                    .await?
                    .ok_or_else(ApiError::not_found)?;
                approver
                    .scope
                    .authorize(Right::ActAs(Role::Approver), &unit)?;
                owners.push(unit.id);
            }
        }
    }

    let approver = &approver;
    let amounts = &amounts;
    let owners = &owners;
    idempotency::transact(
        &mut conn,
        approver.id.0,
        &key,
        &body.hash,
        StatusCode::OK,
        |_| None,
        move |conn| {
            async move {
                let mut written = Vec::with_capacity(items.len());
                for ((item, amount), owner) in items.iter().zip(amounts).zip(owners) {
                    let row = housing_norms::upsert(
                        conn,
                        item.unit_id,
                        item.kind.as_str(),
                        item.effective_from,
                        *amount,
                        approver.id.0,
                    )
                    .await?;
                    audit::record(
                        conn,
                        approver,
                        Change {
                            action: "housing_norm.set",
                            target_type: "housing_norm",
                            target_id: Some(row.id),
                            unit_id: Some(*owner),
                            changes: serde_json::json!({
                                "unit_id": row.unit_id, "kind": row.kind,
                                "effective_from": row.effective_from,
                                "amount": money::format(row.amount),
                            }),
                        },
                    )
                    .await?;
                    written.push(NormView::from(row));
                }
                Ok(NormsView {
                    items: written,
                    in_force: None,
                })
            }
            .scope_boxed()
        },
    )
    .await
}
