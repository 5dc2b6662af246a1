use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use tokio::sync::mpsc;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::units;
use crate::domain::Role;
use crate::error::{ApiError, ApiResult};
use crate::ledger::export::{self as exporter, Format, Request};
use crate::startup::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv`, `jsonl`, `xlsx` or `hledger`.
    #[param(inline)]
    pub format: Format,
    /// Postings effective on or after (local date).
    pub from: Option<NaiveDate>,
    /// Postings effective on or before (local date).
    pub to: Option<NaiveDate>,
    /// Every fund below the unit too (default false).
    pub include_descendants: Option<bool>,
}

/// Every entry and posting of the fund (optionally of its whole subtree) in a date range, from
/// one consistent snapshot, streamed: CSV, JSON lines, XLSX (sheets `Postings`, `Postings 2`, …
/// of at most 1,048,575 rows, amounts as exact whole numbers, then `Export`), or an hledger
/// journal that `hledger check` accepts. Each names the seal heads it covers (CSV: trailing
/// `#seal_head` rows; JSON lines: the header and trailer objects; XLSX: the `Export` sheet;
/// hledger: comments at the top, and tags on each transaction with what its seal covers).
/// `doanket ledger check-export` recomputes the seals from a JSON lines or hledger file alone.
/// Auditors and administrators in scope, and the fund's own finance officer.
#[utoipa::path(
    context_path = "/v1",
    tag = "ledger",
    params(("id" = Uuid, Path, description = "The unit (its fund)"), ExportQuery),
    responses(
        (status = 200, description = "The export, streamed: `text/csv` (format csv), `application/x-ndjson` (jsonl), the XLSX media type (xlsx) or `text/plain` (hledger)", content((String = "text/csv"), (String = "application/x-ndjson"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (String = "text/plain"))),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[get("/units/{id}/ledger")]
pub async fn export(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: crate::extract::Query<ExportQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    if let (Some(from), Some(to)) = (query.from, query.to) {
        if from > to {
            return Err(ApiError::field("from", "after `to`", "sau ngày `to`"));
        }
    }
    let unit = {
        let mut conn = state.pools.read.get().await?;
        units::find(&mut conn, *id)
            .await?
            .ok_or_else(ApiError::not_found)?
    };
    // a finance officer exports their own unit's fund; the funds below it are for auditors
    let include_descendants = query.include_descendants.unwrap_or(false);
    if include_descendants || !user.scope.allows(Right::ActAs(Role::Accountant), &unit) {
        user.scope.authorize(Right::Audit, &unit)?;
    }
    let request = Request {
        unit_id: unit.id,
        include_descendants,
        from: query.from,
        to: query.to,
        format: query.format,
    };
    let (tx, rx) = mpsc::channel(4);
    let url = state.settings.read_url().to_owned();
    let unit_code = unit.code.clone();
    tokio::spawn(async move {
        if let Err(e) = exporter::run(&url, request, tx.clone()).await {
            tracing::error!(error = %e, unit = %unit_code, "ledger export failed mid-stream");
            // the status line is sent: breaking the body is the only way left to say so
            let _ = tx
                .send(Err(std::io::Error::other("the export failed")))
                .await;
        }
    });
    Ok(HttpResponse::Ok()
        .content_type(query.format.content_type())
        .insert_header((
            "Content-Disposition",
            format!(
                "attachment; filename=\"ledger-{}.{}\"",
                unit.code,
                query.format.extension()
            ),
        ))
        .streaming(futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|chunk| (chunk, rx))
        })))
}
