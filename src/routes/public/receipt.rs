use actix_web::{get, web};

use crate::db::{campaigns, donations, units};
use crate::domain::money;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::public::donor_display;
use crate::views::public::{PublicReceipt, ReceiptCampaign, ReceiptUnit};

/// Confirms that a receipt is real: which fund issued it, for how much, and whether it stands.
#[utoipa::path(
    operation_id = "getPublicReceipt",
    context_path = "/v1/public",
    tag = "public",
    params(("receipt_number" = String, Path, description = "`{unit_code}-{yyyy}-{seq:06}`", example = "06001-2026-000001")),
    responses(
        (status = 200, description = "The public view of the receipt", body = PublicReceipt),
        (status = 429, description = "`rate_limited`; `Retry-After` says when to retry", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    )
)]
#[get("/receipts/{receipt_number}")]
pub async fn receipt(
    state: web::Data<AppState>,
    number: web::Path<String>,
) -> ApiResult<web::Json<PublicReceipt>> {
    // no receipt number is this long: answer without asking the database
    if number.len() > 64 {
        return Err(ApiError::not_found());
    }
    let mut conn = state.pools.read.get().await?;
    let d = donations::find_by_receipt(&mut conn, &number)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(&mut conn, d.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let campaign = match d.campaign_id {
        Some(id) => campaigns::find(&mut conn, id)
            .await?
            .map(|c| ReceiptCampaign {
                id: c.id,
                name: c.name,
            }),
        None => None,
    };
    Ok(web::Json(PublicReceipt {
        donor_display: donor_display(&d),
        receipt_number: d.receipt_number,
        status: d.status,
        received_on: d.received_on,
        amount_vnd: money::format(d.amount_vnd),
        unit: ReceiptUnit {
            code: unit.code,
            name: unit.name,
        },
        campaign,
    }))
}
