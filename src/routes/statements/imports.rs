//! The imports of a bank account, and withdrawing one imported by mistake.

use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app;
use crate::auth::{Accountant, AuthUser};
use crate::error::ApiResult;
use crate::extract::{JsonBody, Query};
use crate::idempotency::{self, IdempotencyKey};
use crate::pagination::{Page, PageQuery, Window};
use crate::state::AppState;
use crate::views::statements::StatementView;

/// The statements imported into the bank account, newest first, withdrawn ones included
/// (`status`).
#[utoipa::path(
    operation_id = "listStatements",
    get,
    path = "/v1/bank-accounts/{id}/statements",
    tag = "statements",
    params(("id" = Uuid, Path, description = "the bank account"), PageQuery),
    responses((status = 200, description = "A page of the account's imports", body = Page<StatementView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: Query<PageQuery>,
) -> ApiResult<web::Json<Page<StatementView>>> {
    let window = Window::by_id(query.limit, query.cursor.as_deref())?;
    let mut conn = state.pools.read.get().await?;
    let views =
        app::statements::statements_of(&mut conn, &user, *id, window.after, window.fetch()).await?;
    Ok(web::Json(window.page(views, |v| v.id, |v| v)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawStatement {
    #[schema(max_length = 1000)]
    pub reason: String,
}

/// Withdraws a statement imported by mistake (the account's finance officer): the lines it
/// brought are removed, the statement stays listed as `withdrawn` with the reason, and the
/// right file can then be imported. Refused while any of its lines is matched (a donation or
/// fee booked from it, or a match made by hand): unmatch those first.
#[utoipa::path(
    operation_id = "withdrawStatement",
    context_path = "/v1",
    tag = "statements",
    params(("id" = Uuid, Path, description = "the statement"), ("Idempotency-Key" = Option<String>, Header)),
    request_body = WithdrawStatement,
    responses(
        (status = 200, description = "The statement, now withdrawn", body = StatementView),
        (status = 409, description = "`statement_lines_matched` (`line_ids` lists them) or `invalid_state` (withdrawn already)", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/statements/{id}/withdraw")]
pub async fn withdraw(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<WithdrawStatement>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.pools.write.get().await?;
    let (actor, reason, id) = (&*accountant, &body.value.reason, *id);
    idempotency::ok(&mut conn, actor.id.0, &key, &body.hash, |tx| {
        async move { Ok(app::statements::withdraw(tx, actor, id, reason).await?) }.scope_boxed()
    })
    .await
}
