//! Cross-cutting HTTP behaviour: request ids, problem+json for every error, the response
//! language, metrics.

pub mod language;
pub mod problem;
pub mod request_id;
