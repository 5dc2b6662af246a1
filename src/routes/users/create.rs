use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{check_grants, Grant, UserView};
use crate::audit::{self, Change};
use crate::auth::{password, Admin};
use crate::db::users::{self, NewUser};
use crate::domain::username::password_is_acceptable;
use crate::domain::{text, Username};
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// 3–64 characters: lower-case letters, digits, `.`, `_`, `-`.
    #[schema(max_length = 64)]
    pub username: String,
    /// 10–256 characters.
    #[schema(max_length = 256)]
    pub password: String,
    #[schema(max_length = 200)]
    pub full_name: String,
    pub roles: Vec<Grant>,
}

/// Creates a user with roles on units the caller administers.
#[utoipa::path(
    operation_id = "createUser",
    context_path = "/v1",
    tag = "users",
    request_body = CreateUser,
    responses(
        (status = 201, description = "The user created", body = UserView),
        (status = 409, description = "`duplicate_username`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/users")]
pub async fn create(
    admin: Admin,
    state: web::Data<AppState>,
    body: crate::extract::JsonBody<CreateUser>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let mut errors = Vec::new();
    let username = Username::parse(&body.username);
    if username.is_none() {
        errors.push(FieldError::new(
            "username",
            "3–64 lower-case letters, digits, . _ -",
            "3–64 ký tự: chữ thường, chữ số, . _ -",
        ));
    }
    if !password_is_acceptable(&body.password) {
        errors.push(FieldError::new(
            "password",
            "10 to 256 characters",
            "từ 10 đến 256 ký tự",
        ));
    }
    let full_name = text::clean(&body.full_name, 200);
    if full_name.is_none() {
        errors.push(FieldError::new(
            "full_name",
            "1 to 200 characters",
            "từ 1 đến 200 ký tự",
        ));
    }
    if body.roles.is_empty() {
        errors.push(FieldError::new(
            "roles",
            "at least one role",
            "cần ít nhất một vai trò",
        ));
    }
    let (Some(username), Some(full_name), true) = (username, full_name, errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };

    let mut conn = state.pools.write.get().await?;
    check_grants(&mut conn, &admin.scope, &body.roles).await?;
    if users::find_by_username(&mut conn, username.as_str())
        .await?
        .is_some()
    {
        return Err(ApiError::new(Code::DuplicateUsername));
    }
    let hash = password::hash(body.password)
        .await
        .map_err(ApiError::internal)?;
    let grants: Vec<(String, Uuid)> = body
        .roles
        .iter()
        .map(|g| (g.role.as_str().to_owned(), g.unit_id))
        .collect();

    let admin = &admin;
    let (user, assignments) = conn
        .transaction::<_, ApiError, _>(|conn| {
            async move {
                let user = users::insert(
                    conn,
                    &NewUser {
                        id: Uuid::now_v7(),
                        username: username.as_str(),
                        password_hash: &hash,
                        full_name: &full_name,
                        created_by: Some(admin.id.0),
                    },
                )
                .await
                .map_err(|e| match e {
                    diesel::result::Error::DatabaseError(
                        diesel::result::DatabaseErrorKind::UniqueViolation,
                        _,
                    ) => ApiError::new(Code::DuplicateUsername),
                    e => e.into(),
                })?;
                users::set_assignments(conn, user.id, &grants, Some(admin.id.0)).await?;
                let assignments = users::assignments(conn, &[user.id]).await?;
                audit::record(
                    conn,
                    admin,
                    Change {
                        action: "user.create",
                        target_type: "user",
                        target_id: Some(user.id),
                        unit_id: grants.first().map(|g| g.1),
                        changes: serde_json::json!({"username": user.username, "roles": grants}),
                    },
                )
                .await?;
                Ok((user, assignments))
            }
            .scope_boxed()
        })
        .await?;
    let view = UserView::new(user, &assignments, &admin.scope);
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/users/{}", view.id)))
        .json(view))
}
