//! Great Unity houses (`/v1/houses`): a project to build (`new`) or repair (`repair`) a poor
//! household's house, proposed by an officer of the funding unit with the norm as its default
//! support, approved by another person (reserving the support), started, accepted ("3 cứng")
//! and handed over (releasing what was not paid), or cancelled before acceptance; paid in
//! tranches by the finance officer (posting 6111 or 6112), never beyond the support.

pub mod approve;
pub mod cancel;
pub mod complete;
pub mod create;
pub mod get;
pub mod hand_over;
pub mod list;
pub mod payments;
pub mod start;

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::app::attachments::check_evidence;
use crate::auth::AuthUser;
use crate::db::houses::HouseRow;
use crate::domain::house::Step;
use crate::error::ApiResult;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

use crate::app::houses as app;
pub use crate::views::houses::{HouseView, PaymentView};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create::create)
        .service(list::list)
        .service(get::get)
        .service(approve::approve)
        .service(start::start)
        .service(complete::complete)
        .service(hand_over::hand_over)
        .service(cancel::cancel)
        .service(payments::pay);
}

pub fn location(view: &HouseView) -> Option<String> {
    Some(format!("/v1/houses/{}", view.id))
}

/// The project with its tranches (for `approve.rs` and `cancel.rs`, until the decisions move
/// into `app::spending`).
pub async fn detail(conn: &mut AsyncPgConnection, row: HouseRow) -> ApiResult<HouseView> {
    Ok(crate::app::houses::detail(conn, row).await?)
}

/// What every step of the works (start, accept, hand over) does at the edge: the caller's
/// right and the evidence before the idempotent transaction, then the step.
pub async fn step(
    user: &AuthUser,
    state: &AppState,
    id: Uuid,
    key: &IdempotencyKey,
    (hash, step, on): (&[u8], Step, NaiveDate),
    evidence_ids: &Option<Vec<Uuid>>,
) -> ApiResult<HttpResponse> {
    let evidence = evidence_ids.clone().unwrap_or_default();
    let today = state.settings.clock.today();
    let mut conn = state.pools.write.get().await?;
    let (project, unit) = app::authorize_step(&mut conn, user, id, step).await?;
    check_evidence(&mut conn, user, &unit, &evidence, "evidence_ids").await?;
    let (evidence, id) = (&evidence, project.id);
    idempotency::ok(&mut conn, user.id.0, key, hash, move |tx| {
        async move { Ok(app::record_step(tx, user, id, step, on, today, evidence).await?) }
            .scope_boxed()
    })
    .await
}
