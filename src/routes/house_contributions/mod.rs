//! Contributions to a house project from outside the fund (`/v1/houses/{id}/contributions`):
//! the state budget, sponsors, the community and the household itself give cash, materials or
//! labour days, recorded by the funding unit's officer against the project's funding plan. They
//! never pass through the fund's books: no journal entry, no reservation.

pub mod create;
pub mod list;

use actix_web::web;

pub use crate::views::house_contributions::ContributionView;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create::create).service(list::list);
}
