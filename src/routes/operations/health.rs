use std::time::Duration;

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::migrations;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or what is wrong.
    pub status: String,
}

/// 200 while the process lives.
#[utoipa::path(
    operation_id = "checkHealth",
    tag = "operations",
    responses((status = 200, description = "The process is alive", body = Health))
)]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
    })
}

/// 200 when the database answers and has every migration; 503 otherwise.
#[utoipa::path(
    operation_id = "checkReadiness",
    tag = "operations",
    responses(
        (status = 200, description = "The database answers and every migration has run", body = Health),
        (status = 503, description = "The database does not answer or migrations are pending (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let check = async {
        let mut conn = state
            .pools
            .write
            .get()
            .await
            .map_err(|_| "database unavailable")?;
        match migrations::is_current(&mut conn).await {
            Ok(true) => Ok(()),
            Ok(false) => Err("migrations pending"),
            Err(_) => Err("database unavailable"),
        }
    };
    match tokio::time::timeout(Duration::from_secs(2), check).await {
        Ok(Ok(())) => HttpResponse::Ok().json(Health {
            status: "ok".into(),
        }),
        Ok(Err(why)) => HttpResponse::ServiceUnavailable().json(Health { status: why.into() }),
        Err(_) => HttpResponse::ServiceUnavailable().json(Health {
            status: "database timeout".into(),
        }),
    }
}
