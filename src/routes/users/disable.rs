use actix_web::{post, web};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::{home_unit, visible, UserView};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Admin;
use crate::db::{refresh_tokens, units, users};
use crate::error::{ApiError, ApiResult, Code};
use crate::state::AppState;

/// Disables a user: their tokens stop working at once and they cannot sign in. The caller must
/// administer every unit where the user holds a role (a user holding none: their home unit).
#[utoipa::path(
    operation_id = "disableUser",
    context_path = "/v1",
    tag = "users",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The user, disabled", body = UserView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[post("/users/{id}/disable")]
pub async fn disable(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<UserView>> {
    let mut conn = state.pools.write.get().await?;
    let target = users::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let assignments = users::assignments(&mut conn, &[target.id]).await?;
    let home = home_unit(&mut conn, &target, &assignments).await?;
    if !visible(
        admin.id.0,
        &admin.scope,
        target.id,
        &assignments,
        home.as_ref(),
    ) {
        return Err(ApiError::not_found());
    }
    if target.id == admin.id.0 {
        return Err(ApiError::new(Code::Conflict).detail(
            "You cannot disable yourself.",
            "Không thể tự khóa tài khoản của mình.",
        ));
    }
    let mut held = units::find_many(
        &mut conn,
        &assignments.iter().map(|a| a.unit_id).collect::<Vec<_>>(),
    )
    .await?;
    held.extend(home.clone());
    if let Some(unit) = held
        .iter()
        .find(|u| !admin.scope.allows(Right::Administer, u))
    {
        return Err(crate::auth::scope::lacking(Right::Administer, unit).into());
    }
    let unit_id = assignments
        .first()
        .map(|a| a.unit_id)
        .or(home.map(|u| u.id));
    let admin = &admin;
    let target = conn
        .transaction::<_, ApiError, _>(|conn| {
            async move {
                let already = target.disabled_at.is_some();
                let target = if already {
                    target
                } else {
                    users::disable(conn, target.id).await?
                };
                let revoked = refresh_tokens::revoke_all_for_user(conn, target.id).await?;
                if !already {
                    audit::record(
                        conn,
                        admin,
                        Change {
                            action: "user.disable",
                            target_type: "user",
                            target_id: Some(target.id),
                            unit_id,
                            changes: serde_json::json!({"refresh_tokens_revoked": revoked}),
                        },
                    )
                    .await?;
                }
                Ok(target)
            }
            .scope_boxed()
        })
        .await?;
    Ok(web::Json(UserView::new(target, &assignments, &admin.scope)))
}
