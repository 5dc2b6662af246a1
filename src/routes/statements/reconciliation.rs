use actix_web::{get, web};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::app;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::state::AppState;
use crate::views::statements::ReconciliationView;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReconciliationQuery {
    /// End of this day; today when left out.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub as_of: Option<NaiveDate>,
}

/// Bank reconciliation of a bank account: the ledger's balance against the bank's, and what is
/// unmatched on either side, all from one snapshot. The fund's finance officer, and auditors
/// and administrators in scope.
#[utoipa::path(
    operation_id = "getReconciliation",
    context_path = "/v1",
    tag = "statements",
    params(("id" = Uuid, Path, description = "the bank account"), ReconciliationQuery),
    responses((status = 200, description = "The bank account's reconciliation: statement against ledger", body = ReconciliationView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/bank-accounts/{id}/reconciliation")]
pub async fn reconciliation(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: Query<ReconciliationQuery>,
) -> ApiResult<web::Json<ReconciliationView>> {
    let as_of = query.as_of.unwrap_or_else(|| state.settings.clock.today());
    let mut conn = state.pools.read.get().await?;
    let bank = &app::statements::reconcilable(&mut conn, &user, *id).await?;
    let view = conn
        .build_transaction()
        .repeatable_read()
        .read_only()
        .run(|tx| app::statements::reconciliation(tx, bank, as_of).scope_boxed())
        .await?;
    Ok(web::Json(view))
}
