use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use futures_util::StreamExt;
use serde::Deserialize;
use tokio::sync::mpsc;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::app;
use crate::auth::AuthUser;
use crate::domain::fund_date;
use crate::error::{ApiError, ApiResult};
use crate::export::{self as exporter, Format, Request};
use crate::extract::Query;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv`, `jsonl`, `xlsx` or `hledger`.
    #[param(inline)]
    pub format: Format,
    /// Postings effective on or after (local date).
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub from: Option<NaiveDate>,
    /// Postings effective on or before (local date).
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
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
    operation_id = "exportLedger",
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
    query: Query<ExportQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    fund_date::ordered(query.from, query.to)?;
    // a finance officer exports their own unit's fund; the funds below it are for auditors
    let include_descendants = query.include_descendants.unwrap_or(false);
    let unit = {
        let mut conn = state.pools.read.get().await?;
        app::accounts::auditable(&mut conn, &user, *id, include_descendants).await?
    };
    let request = Request {
        unit_id: unit.id,
        include_descendants,
        from: query.from,
        to: query.to,
        format: query.format,
    };
    let (tx, mut rx) = mpsc::channel(4);
    let url = state.settings.read_url().to_owned();
    let unit_code = unit.code.clone();
    tokio::spawn(async move {
        if let Err(e) = exporter::run(&url, request, tx.clone()).await {
            tracing::error!(error = %e, unit = %unit_code, "ledger export failed");
            let _ = tx
                .send(Err(std::io::Error::other("the export failed")))
                .await;
        }
    });
    // the status line waits for the first bytes: an export that cannot start (its snapshot, its
    // query) is a problem response, not a 200 broken off; only a failure after that has no
    // other way to show than a broken body
    let first = match rx.recv().await {
        Some(Ok(chunk)) => chunk,
        // what fails before the first row is the database (connecting, the snapshot, the
        // query): 503, so the client retries, as for any other request the database cannot serve
        Some(Err(_)) | None => return Err(ApiError::unavailable()),
    };
    let rest = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
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
        .streaming(futures_util::stream::once(async { Ok(first) }).chain(rest)))
}
