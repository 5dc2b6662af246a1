//! Support norms for Great Unity houses (`/v1/housing-norms`): the standard support per house
//! kind from a date, national or set by a unit for its subtree (a unit's norm overrides its
//! ancestors'). Anyone signed in reads the national norms and those of units in their scope;
//! approvers set them: national ones at the central unit, a unit's own at that unit.

pub mod list;
pub mod put;

use actix_web::web;

pub use crate::views::housing_norms::{InForce, NormView, NormsView};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list::list).service(put::put);
}
