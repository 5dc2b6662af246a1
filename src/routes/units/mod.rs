//! The unit tree: list, read, create, import; the successions of the 2025 reform.

pub mod by_code;
pub mod create;
pub mod get;
pub mod import;
pub mod list;
pub mod successions;
pub mod successions_import;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // `import` and `by-code` before `{id}` so the literal segments win
    cfg.service(
        web::resource("/units/import")
            .app_data(web::PayloadConfig::new(import::UNIT_FILE_LIMIT))
            .route(web::post().to(import::import)),
    )
    .service(
        web::resource("/units/successions")
            .app_data(web::PayloadConfig::new(
                successions_import::SUCCESSION_FILE_LIMIT,
            ))
            .route(web::post().to(successions_import::import)),
    )
    .service(by_code::by_code)
    .service(list::list)
    .service(create::create)
    .service(get::get)
    .service(successions::successions);
}
