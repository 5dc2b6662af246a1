//! The unit tree: list, read, create, import.

pub mod by_code;
pub mod create;
pub mod get;
pub mod import;
pub mod list;

use actix_web::web;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::units::UnitRow;
use crate::domain::{Tier, UnitId};

pub fn configure(cfg: &mut web::ServiceConfig) {
    // `import` and `by-code` before `{id}` so the literal segments win
    cfg.service(
        web::resource("/units/import")
            .app_data(web::PayloadConfig::new(import::UNIT_FILE_LIMIT))
            .route(web::post().to(import::import)),
    )
    .service(by_code::by_code)
    .service(list::list)
    .service(create::create)
    .service(get::get);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitView {
    pub id: UnitId,
    pub code: String,
    pub name: String,
    pub full_name: String,
    /// The unit's legal type as written in Vietnamese (Tỉnh, Xã, Phường…), when known.
    pub kind: Option<String>,
    pub tier: Tier,
    pub parent_id: Option<UnitId>,
    /// Codes from the root (`TW`) down to this unit.
    pub path: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl From<UnitRow> for UnitView {
    fn from(u: UnitRow) -> Self {
        UnitView {
            id: UnitId(u.id),
            tier: u.tier(),
            code: u.code,
            name: u.name,
            full_name: u.full_name,
            kind: u.kind,
            parent_id: u.parent_id.map(UnitId),
            path: u.path,
            created_at: u.created_at,
        }
    }
}
