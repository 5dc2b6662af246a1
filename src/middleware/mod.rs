//! Cross-cutting HTTP behaviour: request ids, problem+json for every error, metrics.

pub mod problem;
pub mod request_id;
