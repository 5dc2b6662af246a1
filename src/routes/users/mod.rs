//! Users and their role grants, administered inside the admin's scope (`app::users`).

pub mod create;
pub mod disable;
pub mod get;
pub mod list;
pub mod set_roles;

use actix_web::web;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::Role;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create::create)
        .service(list::list)
        .service(get::get)
        .service(set_roles::set_roles)
        .service(disable::disable);
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    pub role: Role,
    pub unit_id: Uuid,
}

/// The grants of a body as the commands take them.
fn grants(roles: &[Grant]) -> Vec<(Role, Uuid)> {
    roles.iter().map(|g| (g.role, g.unit_id)).collect()
}
