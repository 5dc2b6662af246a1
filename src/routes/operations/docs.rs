//! `/openapi.json` and an offline API browser at `/docs` (Swagger UI, whose assets are compiled
//! into the binary: no CDN).

use actix_web::{web, HttpResponse};
use utoipa_swagger_ui::SwaggerUi;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/docs",
        web::get().to(|| async {
            HttpResponse::Found()
                .insert_header(("Location", "/docs/"))
                .finish()
        }),
    )
    .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", crate::openapi::document()));
}
