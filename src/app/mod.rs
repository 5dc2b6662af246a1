//! The application layer: every workflow of the service, one module each, between the HTTP
//! routes (which parse, call one command and render) and the database (which persists and holds
//! the invariants). A command takes a connection — inside the caller's transaction, usually the
//! one `idempotency::transact` opens — the acting user and parsed input, and returns a domain
//! result or a typed [`AppError`]. The CLI, the demo and the bulk paths call the same commands,
//! so a rule has one Rust home here (and its backstop in the migrations).
//!
//! This layer knows neither actix nor the HTTP problem type: `error.rs` turns an [`AppError`]
//! into its problem response, once.

pub mod accounts;
pub mod attachments;
pub mod bank_accounts;
pub mod campaigns;
pub mod donations;
pub mod error;
pub mod grants;
pub mod handover_rounds;
pub mod handovers;
pub mod house_contributions;
pub mod households;
pub mod houses;
pub mod housing_norms;
pub mod journal;
pub mod lookups;
pub mod opening_balances;
pub mod periods;
pub mod spending;
pub mod statements;
pub mod successions;
pub mod tet_batches;
pub mod transfers;
pub mod units;
pub mod users;

pub use error::{AppError, AppResult, Code};
