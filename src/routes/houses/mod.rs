//! Great Unity houses (`/v1/houses`): a project to build (`new`) or repair (`repair`) a poor
//! household's house, proposed by an officer of the funding unit with the norm as its default
//! support, approved by another person (reserving the support), started, accepted ("3 cứng")
//! and handed over (releasing what was not paid), or cancelled before acceptance; paid in
//! tranches by the finance officer (posting 6111 or 6112), never beyond the support.

pub mod approve;
pub mod cancel;
pub mod complete;
pub mod create;
pub mod get;
pub mod hand_over;
pub mod list;
pub mod payments;
pub mod start;

use actix_web::web;
use diesel_async::AsyncPgConnection;

use crate::db::houses::HouseRow;
use crate::error::ApiResult;

pub use crate::app::houses::find_visible;
pub use crate::views::houses::{HouseView, PaymentView};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create::create)
        .service(list::list)
        .service(get::get)
        .service(approve::approve)
        .service(start::start)
        .service(complete::complete)
        .service(hand_over::hand_over)
        .service(cancel::cancel)
        .service(payments::pay);
}

pub fn location(view: &HouseView) -> Option<String> {
    Some(format!("/v1/houses/{}", view.id))
}

/// The project with its tranches (for `approve.rs` and `cancel.rs`, until the decisions move
/// into `app::spending`).
pub async fn detail(conn: &mut AsyncPgConnection, row: HouseRow) -> ApiResult<HouseView> {
    Ok(crate::app::houses::detail(conn, row).await?)
}
