//! Paying an approved grant: a finance officer of the paying unit.

use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use uuid::Uuid;

use super::DisbursementView;
use crate::app::grants::{self, PayDisbursement};
use crate::app::spending;
use crate::auth::Accountant;
use crate::domain::spending::Kind;
use crate::domain::Role;
use crate::error::ApiResult;
use crate::extract::OptionalJsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Pays an approved grant (finance officer of the paying unit): posts 61x1 by category
/// against cash, the bank account or goods, using the approval's reservation.
#[utoipa::path(
    operation_id = "payDisbursement",
    context_path = "/v1",
    tag = "disbursements",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = Option<PayDisbursement>, description = "Optional: `{\"paid_on\"}`"),
    responses(
        (status = 200, description = "The grant, paid, with its journal entry", body = DisbursementView),
        (status = 409, description = "`invalid_state`, `insufficient_funds` (the chosen account lacks the money) or `period_closed`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/disbursements/{id}/pay")]
pub async fn pay(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: OptionalJsonBody<PayDisbursement>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let today = state.settings.clock.today();
    let paid_on = spending::date_or_today("paid_on", body.value.paid_on, today)?;
    let mut conn = state.pools.write.get().await?;
    let (id, role) = (*id, Role::Accountant);
    spending::authorize_as(&mut conn, &accountant, Kind::Grant, id, role).await?;
    let accountant = &accountant;
    idempotency::ok(&mut conn, accountant.id.0, &key, &body.hash, move |tx| {
        async move { Ok(grants::pay(tx, accountant, id, paid_on).await?) }.scope_boxed()
    })
    .await
}
