use std::collections::HashSet;

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncPgConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{load, AckMethod, MAX_HOUSEHOLDS};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Officer;
use crate::db::tet_batches::{self, Delivery};
use crate::domain::{text, Role};
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AckInput {
    pub method: AckMethod,
    /// SHA-256 of the evidence (signed sheet, photo), 64 lowercase hex digits.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub evidence_sha256: Option<String>,
    /// Required for `witness`.
    #[schema(max_length = 200)]
    pub witness_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryInput {
    pub household_id: Uuid,
    /// Local date the household received the gift: not in the future, not before the
    /// disbursement.
    #[serde(deserialize_with = "crate::domain::fund_date::deserialize")]
    pub delivered_on: NaiveDate,
    pub ack: AckInput,
}

/// What one sync changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveriesView {
    /// Deliveries this request recorded.
    pub delivered: i64,
    /// Households of this request whose delivery was already recorded (the first record
    /// stands).
    pub already_recorded: i64,
    /// Recipients of the batch still waiting for their gift.
    pub pending: i64,
}

/// A delivery that passed every rule that needs no database.
#[derive(Debug)]
struct Parsed {
    household_id: Uuid,
    delivered_on: NaiveDate,
    method: AckMethod,
    evidence_sha256: Option<String>,
    witness_name: Option<String>,
}

/// 1 to `MAX_HOUSEHOLDS` deliveries a request; the list as a whole has no field to name.
fn check_count(n: usize) -> ApiResult<()> {
    if n == 0 || n > MAX_HOUSEHOLDS {
        return Err(ApiError::new(Code::ValidationFailed).detail(
            format!("Send 1 to {MAX_HOUSEHOLDS} deliveries."),
            format!("Hãy gửi từ 1 đến {MAX_HOUSEHOLDS} lượt phát quà."),
        ));
    }
    Ok(())
}

fn parse(list: Vec<DeliveryInput>, today: NaiveDate) -> Result<Vec<Parsed>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut seen = HashSet::with_capacity(list.len());
    let mut parsed = Vec::with_capacity(list.len());
    for (i, d) in list.into_iter().enumerate() {
        if !seen.insert(d.household_id) {
            errors.push(FieldError::new(
                format!("[{i}].household_id"),
                "listed more than once",
                "bị liệt kê nhiều lần",
            ));
        }
        if d.delivered_on > today {
            errors.push(FieldError::new(
                format!("[{i}].delivered_on"),
                "cannot be in the future",
                "không được là ngày trong tương lai",
            ));
        }
        let evidence = d.ack.evidence_sha256;
        if evidence.as_deref().is_some_and(|e| {
            e.len() != 64
                || !e
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        }) {
            errors.push(FieldError::new(
                format!("[{i}].ack.evidence_sha256"),
                "64 lowercase hexadecimal digits",
                "64 chữ số thập lục phân viết thường",
            ));
        }
        let witness = match d.ack.witness_name.as_deref() {
            None => None,
            Some(w) => {
                let cleaned = text::clean(w, 200);
                if cleaned.is_none() {
                    errors.push(FieldError::new(
                        format!("[{i}].ack.witness_name"),
                        "1 to 200 characters",
                        "từ 1 đến 200 ký tự",
                    ));
                }
                cleaned
            }
        };
        if d.ack.method == AckMethod::Witness && d.ack.witness_name.is_none() {
            errors.push(FieldError::new(
                format!("[{i}].ack.witness_name"),
                "required for a witnessed delivery",
                "bắt buộc khi xác nhận bằng người làm chứng",
            ));
        }
        parsed.push(Parsed {
            household_id: d.household_id,
            delivered_on: d.delivered_on,
            method: d.ack.method,
            evidence_sha256: evidence,
            witness_name: witness,
        });
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(errors)
    }
}

/// Records deliveries synced from the field (officer of the paying unit), for a disbursed
/// batch. Idempotent per household: a household whose delivery is already recorded keeps its
/// first record and counts as `already_recorded`, so a client may resend a whole sync.
#[utoipa::path(
    operation_id = "recordTetDeliveries",
    context_path = "/v1",
    tag = "tet batches",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = Vec<DeliveryInput>,
    responses(
        (status = 200, description = "What the sync recorded, and what was recorded before", body = DeliveriesView),
        (status = 409, description = "`invalid_state`: the batch is not disbursed (or already closed)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: households not in the batch are listed as `[i].household_id`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/tet-batches/{id}/deliveries")]
pub async fn deliveries(
    officer: Officer,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<Vec<DeliveryInput>>,
) -> ApiResult<HttpResponse> {
    let JsonBody { value, hash } = body;
    check_count(value.len())?;
    let list = parse(value, state.settings.clock.today()).map_err(ApiError::validation)?;
    let id = *id;
    let mut conn = state.pools.write.get().await?;
    load(&mut conn, id, &officer, Right::ActAs(Role::Officer)).await?;
    let (officer, list) = (&officer, &list);
    idempotency::transact(
        &mut conn,
        officer.id.0,
        &key,
        &hash,
        StatusCode::OK,
        |_| None,
        |conn| async move { record(conn, officer, id, list).await }.scope_boxed(),
    )
    .await
}

#[tracing::instrument(name = "tet_batches.deliveries", skip_all, fields(tet_batch.id = %id, deliveries = list.len()))]
async fn record(
    conn: &mut AsyncPgConnection,
    officer: &Officer,
    id: Uuid,
    list: &[Parsed],
) -> ApiResult<DeliveriesView> {
    let batch = tet_batches::lock(conn, id).await?;
    if batch.status != "paid" {
        return Err(ApiError::new(Code::InvalidState).detail(
            format!(
                "deliveries are recorded for a disbursed batch, not while {}",
                batch.status
            ),
            format!(
                "chỉ ghi nhận phát quà cho đợt đã chi, không phải khi {}",
                batch.status
            ),
        ));
    }
    let mut errors = Vec::new();
    if let Some(disbursed_on) = batch.disbursed_on {
        errors.extend(
            list.iter()
                .enumerate()
                .filter(|(_, d)| d.delivered_on < disbursed_on)
                .map(|(i, _)| {
                    FieldError::new(
                        format!("[{i}].delivered_on"),
                        "cannot be before the disbursement",
                        "không được trước ngày chi",
                    )
                }),
        );
    }
    let ids: Vec<Uuid> = list.iter().map(|d| d.household_id).collect();
    let members: HashSet<Uuid> = tet_batches::recipients_among(conn, batch.id, &ids)
        .await?
        .into_iter()
        .collect();
    errors.extend(
        ids.iter()
            .enumerate()
            .filter(|(_, h)| !members.contains(h))
            .map(|(i, _)| {
                FieldError::new(
                    format!("[{i}].household_id"),
                    "not a recipient of this batch",
                    "không có trong danh sách nhận quà của đợt này",
                )
            }),
    );
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let rows: Vec<Delivery<'_>> = list
        .iter()
        .map(|d| Delivery {
            household_id: d.household_id,
            delivered_on: d.delivered_on,
            ack_method: d.method.as_str(),
            evidence_sha256: d.evidence_sha256.as_deref(),
            witness_name: d.witness_name.as_deref(),
        })
        .collect();
    let recorded = tet_batches::record_deliveries(conn, batch.id, officer.id.0, &rows).await?;
    let counts = tet_batches::counts_of(conn, batch.id).await?;
    let view = DeliveriesView {
        delivered: recorded.len() as i64,
        already_recorded: (list.len() - recorded.len()) as i64,
        pending: counts.pending,
    };
    audit::record(
        conn,
        officer,
        Change {
            action: "tet_batch.deliveries",
            target_type: "tet_batch",
            target_id: Some(batch.id),
            unit_id: Some(batch.unit_id),
            changes: serde_json::json!({
                "delivered": view.delivered,
                "already_recorded": view.already_recorded,
                "pending": view.pending,
            }),
        },
    )
    .await?;
    Ok(view)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(method: AckMethod, witness: Option<&str>, evidence: Option<&str>) -> DeliveryInput {
        DeliveryInput {
            household_id: Uuid::now_v7(),
            delivered_on: NaiveDate::from_ymd_opt(2026, 1, 20).unwrap(),
            ack: AckInput {
                method,
                evidence_sha256: evidence.map(Into::into),
                witness_name: witness.map(Into::into),
            },
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()
    }

    #[test]
    fn a_witnessed_delivery_names_the_witness() {
        let e = parse(vec![delivery(AckMethod::Witness, None, None)], today()).unwrap_err();
        assert_eq!(e[0].field, "[0].ack.witness_name");
        assert!(parse(
            vec![delivery(AckMethod::Witness, Some("Trưởng thôn"), None)],
            today()
        )
        .is_ok());
    }

    #[test]
    fn evidence_is_a_lowercase_sha256() {
        let upper = "A".repeat(64);
        let e = parse(
            vec![delivery(AckMethod::Photo, None, Some(&upper))],
            today(),
        )
        .unwrap_err();
        assert_eq!(e[0].field, "[0].ack.evidence_sha256");
        let ok = "a".repeat(64);
        assert!(parse(vec![delivery(AckMethod::Photo, None, Some(&ok))], today()).is_ok());
    }

    #[test]
    fn future_dates_repeats_and_empty_syncs_are_refused() {
        let mut d = delivery(AckMethod::Signature, None, None);
        d.delivered_on = NaiveDate::from_ymd_opt(2026, 2, 2).unwrap();
        let twice = vec![d.clone(), d];
        let fields: Vec<String> = parse(twice, today())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert!(fields.contains(&"[0].delivered_on".to_owned()));
        assert!(fields.contains(&"[1].household_id".to_owned()));
        let empty = check_count(0).unwrap_err();
        assert!(empty.errors.is_empty() && empty.detail.is_some());
        assert!(check_count(MAX_HOUSEHOLDS + 1).is_err());
        assert!(check_count(1).is_ok());
    }
}
