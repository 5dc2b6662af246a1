use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{grants, Grant};
use crate::app::users::{self, NewAccount, Operator};
use crate::auth::{password, Admin};
use crate::domain::username::password_is_acceptable;
use crate::domain::{text, Username};
use crate::error::{ApiError, ApiResult};
use crate::messages::{units::length, users as messages};
use crate::state::AppState;
use crate::views::users::UserView;

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
        errors.push(messages::username_format());
    }
    if !password_is_acceptable(&body.password) {
        errors.push(messages::password_length());
    }
    let full_name = text::clean(&body.full_name, 200);
    if full_name.is_none() {
        errors.push(length("full_name", 200));
    }
    if body.roles.is_empty() {
        errors.push(messages::no_role());
    }
    let (Some(username), Some(full_name), true) = (username, full_name, errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let roles = grants(&body.roles);

    let mut conn = state.pools.write.get().await?;
    users::check_grants(&mut conn, &admin.scope, &roles).await?;
    let password_hash = password::hash(body.password)
        .await
        .map_err(ApiError::internal)?;
    let account = NewAccount {
        username,
        full_name,
        password_hash,
        roles,
    };
    let admin = &admin;
    let (user, assignments) = conn
        .transaction::<_, ApiError, _>(|tx| {
            async move { Ok(users::create(tx, Operator::User(admin), account).await?) }
                .scope_boxed()
        })
        .await?;
    let view = UserView::new(user, &assignments, &admin.scope);
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/users/{}", view.id)))
        .json(view))
}
