//! Attachments: photos and scanned documents (JPEG, PNG, PDF, at most 10 MiB) that evidence
//! house stages and Tết deliveries. Uploaded as multipart, typed by their first bytes, stored
//! once per content (`crate::storage`), streamed back to whoever may read their unit.

pub mod download;
pub mod upload;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(upload::upload).service(download::download);
}
