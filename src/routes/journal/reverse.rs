use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use uuid::Uuid;

use crate::app;
pub use crate::app::journal::ReverseEntry;
use crate::auth::Accountant;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;
use crate::views::journal::EntryView;

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
    let today = state.settings.clock.today();
    let mut conn = state.pools.write.get().await?;
    let actor = &*accountant;
    let plan = app::journal::plan_reversal(&mut conn, actor, *id, &body.value, today).await?;
    idempotency::created(
        &mut conn,
        actor.id.0,
        &key,
        &body.hash,
        |view: &EntryView| Some(format!("/v1/journal/{}", view.id)),
        move |tx| async move { Ok(app::journal::reverse(tx, actor, plan).await?) }.scope_boxed(),
    )
    .await
}
