use actix_web::{put, web};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{check_grants, home_unit, visible, Grant, UserView};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Admin;
use crate::db::{refresh_tokens, units, users};
use crate::error::{ApiError, ApiResult, Code};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetRoles {
    pub roles: Vec<Grant>,
}

/// Replaces the user's roles on units the caller administers; roles elsewhere stay as they are.
/// A user left with no role at all can no longer sign in and their refresh tokens are revoked;
/// they stay visible at their home unit (where their last role was) to re-grant or disable.
#[utoipa::path(
    operation_id = "setUserRoles",
    context_path = "/v1",
    tag = "users",
    params(("id" = Uuid, Path)),
    request_body = SetRoles,
    responses((status = 200, description = "The user with their roles as now granted", body = UserView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[put("/users/{id}/roles")]
pub async fn set_roles(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: crate::extract::JsonBody<SetRoles>,
) -> ApiResult<web::Json<UserView>> {
    let mut conn = state.pools.write.get().await?;
    let target = users::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let current = users::assignments(&mut conn, &[target.id]).await?;
    let home = home_unit(&mut conn, &target, &current).await?;
    if !visible(admin.id.0, &admin.scope, target.id, &current, home.as_ref()) {
        return Err(ApiError::not_found());
    }
    // as with disabling: an admin cannot lock themselves out (the last admin of a unit would)
    if target.id == admin.id.0 {
        return Err(ApiError::new(Code::Conflict).detail(
            "You cannot change your own roles.",
            "Không thể tự thay đổi vai trò của mình.",
        ));
    }
    check_grants(&mut conn, &admin.scope, &body.roles).await?;

    // Keep what the caller does not administer; replace the rest with the request.
    let current_units = units::find_many(
        &mut conn,
        &current.iter().map(|a| a.unit_id).collect::<Vec<_>>(),
    )
    .await?;
    let administered = |unit: Uuid| {
        current_units
            .iter()
            .any(|u| u.id == unit && admin.scope.allows(Right::Administer, u))
    };
    let mut grants: Vec<(String, Uuid)> = current
        .iter()
        .filter(|a| !administered(a.unit_id))
        .map(|a| (a.role.clone(), a.unit_id))
        .collect();
    grants.extend(
        body.roles
            .iter()
            .map(|g| (g.role.as_str().to_owned(), g.unit_id)),
    );
    grants.sort();
    grants.dedup();
    let before: Vec<(String, Uuid)> = current
        .iter()
        .map(|a| (a.role.clone(), a.unit_id))
        .collect();

    let admin = &admin;
    let home = &home;
    let (target, assignments) = conn
        .transaction::<_, ApiError, _>(|conn| {
            async move {
                users::set_assignments(conn, target.id, &grants, Some(admin.id.0)).await?;
                let assignments = users::assignments(conn, &[target.id]).await?;
                // no role, no session: what they were signed in with stops working now
                let revoked = if assignments.is_empty() {
                    refresh_tokens::revoke_all_for_user(conn, target.id).await?
                } else {
                    0
                };
                audit::record(
                    conn,
                    admin,
                    Change {
                        action: "user.set_roles",
                        target_type: "user",
                        target_id: Some(target.id),
                        unit_id: body
                            .roles
                            .first()
                            .map(|g| g.unit_id)
                            .or(before.first().map(|b| b.1))
                            .or(home.as_ref().map(|u| u.id)),
                        changes: serde_json::json!({
                            "before": before,
                            "after": grants,
                            "refresh_tokens_revoked": revoked,
                        }),
                    },
                )
                .await?;
                Ok((target, assignments))
            }
            .scope_boxed()
        })
        .await?;
    Ok(web::Json(UserView::new(target, &assignments, &admin.scope)))
}
