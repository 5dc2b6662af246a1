use actix_web::{get, web, HttpResponse};

use crate::state::AppState;

/// Prometheus text: request counts and latency histograms per route, database pool state.
#[utoipa::path(
    operation_id = "getMetrics",
    tag = "operations",
    responses((status = 200, description = "Prometheus text exposition", content_type = "text/plain", body = String))
)]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render())
}
