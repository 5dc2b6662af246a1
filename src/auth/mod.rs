//! Authentication and authorisation: signing keys and JWTs, passwords, refresh-token rotation,
//! the extractors handlers use to say who may call them, and the scope rules.

pub mod claims;
pub mod extractor;
pub mod keys;
pub mod password;
pub mod rate_limit;
pub mod refresh;
pub mod scope;
pub mod session;

pub use extractor::{Accountant, Admin, Approver, AuditReader, AuthUser, Officer};
pub use keys::KeySet;
pub use scope::Assignment;
