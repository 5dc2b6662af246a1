use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::app::lookups;
use crate::auth::scope::Right;
use crate::auth::AuditReader;
use crate::db::audit::{self, AuditEventRow, AuditFilter};
use crate::domain::{text, Role};
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::pagination::{Page, Window};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Events of this unit and the units below it.
    pub unit_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    /// e.g. `unit.create`, `user.disable`, `auth.sign_in`.
    #[param(max_length = 100)]
    pub action: Option<String>,
    /// Inclusive lower bound (RFC 3339).
    #[serde(
        default,
        deserialize_with = "crate::domain::fund_date::optional_instant"
    )]
    pub from: Option<DateTime<Utc>>,
    /// Exclusive upper bound (RFC 3339).
    #[serde(
        default,
        deserialize_with = "crate::domain::fund_date::optional_instant"
    )]
    pub to: Option<DateTime<Utc>>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    /// The actor's roles when they acted: `[{"role","unit_id","unit_code"}]`.
    #[schema(value_type = Vec<Object>)]
    pub actor_roles: serde_json::Value,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    pub request_id: Option<String>,
    pub client_ip: Option<String>,
    /// What changed, in brief (ids, states, counts; never personal data).
    #[schema(value_type = Object)]
    pub changes: serde_json::Value,
}

impl From<AuditEventRow> for AuditEventView {
    fn from(r: AuditEventRow) -> Self {
        AuditEventView {
            id: r.id,
            occurred_at: r.occurred_at,
            actor_id: r.actor_id,
            actor_roles: r.actor_roles,
            action: r.action,
            target_type: r.target_type,
            target_id: r.target_id,
            unit_id: r.unit_id,
            request_id: r.request_id,
            client_ip: r.client_ip,
            changes: r.changes,
        }
    }
}

/// Audit events in the caller's scope (admins and auditors), oldest first.
#[utoipa::path(
    operation_id = "listAuditEvents",
    context_path = "/v1",
    tag = "audit",
    params(AuditQuery),
    responses((status = 200, description = "A page of audit events", body = Page<AuditEventView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/audit-events")]
pub async fn list(
    reader: AuditReader,
    state: web::Data<AppState>,
    query: Query<AuditQuery>,
) -> ApiResult<web::Json<Page<AuditEventView>>> {
    let window = Window::by_id(query.limit, query.cursor.as_deref())?;
    crate::domain::fund_date::ordered(query.from, query.to)?;
    // the documented bound, enforced; control characters (a NUL byte was a 500) match no action
    let action = match query
        .action
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        Some(a) => Some(
            text::clean(a, 100)
                .ok_or_else(|| ApiError::from(crate::messages::units::search_term("action")))?,
        ),
        None => None,
    };
    let mut conn = state.pools.read.get().await?;
    // one unit the caller may audit (a predecessor's too, through its successor), or every unit
    // in their audit scope
    let scope = match query.unit_id {
        Some(id) => vec![
            lookups::unit_authorized(&mut conn, &reader.scope, Right::Audit, id)
                .await?
                .id,
        ],
        None => reader.scope.roots_of(&[Role::Admin, Role::Auditor]),
    };
    let rows = audit::list(
        &mut conn,
        AuditFilter {
            scope: &scope,
            unit_id: query.unit_id,
            actor_id: query.actor_id,
            action: action.as_deref(),
            from: query.from,
            to: query.to,
            after: window.after,
            limit: window.fetch(),
        },
    )
    .await?;
    Ok(web::Json(window.page(rows, |e| e.id, AuditEventView::from)))
}
