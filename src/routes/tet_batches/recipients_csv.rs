use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{get, web, HttpResponse};
use uuid::Uuid;

use crate::app::tet_batches;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::tet_batches::recipients_csv as render;

/// The signed paper list (C-02Q style) of a batch as CSV: title lines, one row per household
/// in list order with the cash amount, the goods' value, the delivery date and how it was
/// acknowledged, a total row, and the signature lines of the preparer, the accountant and the
/// head of the unit. Needs the right to read personal data in the paying unit's area.
#[utoipa::path(
    operation_id = "getTetBatchRecipients",
    context_path = "/v1",
    tag = "tet batches",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The C-02Q list, UTF-8 CSV", content_type = "text/csv", body = String),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[get("/tet-batches/{id}/recipients.csv")]
pub async fn recipients_csv(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.pools.read.get().await?;
    let list = tet_batches::recipient_list(&mut conn, &user, *id).await?;
    let body = render(&list.unit, &list.campaign, &list.batch, &list.recipients)
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(format!(
                "tet-batch-{}.csv",
                list.batch.id
            ))],
        })
        .body(body))
}
