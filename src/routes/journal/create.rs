use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;

use crate::app;
pub use crate::app::journal::{ManualEntry, ManualPosting};
use crate::auth::Accountant;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;
use crate::views::journal::EntryView;

/// A manual adjustment by the unit's finance officer: any balanced set of postings, with a
/// reason. Accepts `Idempotency-Key`.
#[utoipa::path(
    operation_id = "createJournalEntry",
    context_path = "/v1",
    tag = "ledger",
    params(("Idempotency-Key" = Option<String>, Header)),
    request_body = ManualEntry,
    responses(
        (status = 201, description = "The manual entry posted", body = EntryView),
        (status = 409, description = "`period_closed` or `insufficient_funds`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`unbalanced_entry` or `validation_failed`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/journal")]
pub async fn create(
    accountant: Accountant,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<ManualEntry>,
) -> ApiResult<HttpResponse> {
    let today = state.settings.clock.today();
    let mut conn = state.pools.write.get().await?;
    let actor = &*accountant;
    let plan = app::journal::plan_manual(&mut conn, actor, &body.value, today).await?;
    idempotency::created(
        &mut conn,
        actor.id.0,
        &key,
        &body.hash,
        |view: &EntryView| Some(format!("/v1/journal/{}", view.id)),
        move |tx| {
            async move { Ok(app::journal::post_manual(tx, actor, plan).await?) }.scope_boxed()
        },
    )
    .await
}
