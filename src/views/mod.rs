//! What the API shows: the bodies of its responses, one module per resource, each with the one
//! conversion from the rows the database gives. Plain serialisable data (serde and the OpenAPI
//! schema), so commands can return them and routes only send them.

pub mod accounts;
pub mod attachments;
pub mod audit_events;
pub mod bank_accounts;
pub mod campaigns;
pub mod donations;
pub mod grants;
pub mod handovers;
pub mod house_contributions;
pub mod households;
pub mod houses;
pub mod housing_norms;
pub mod journal;
pub mod periods;
pub mod public;
pub mod reports;
pub mod statements;
pub mod successions;
pub mod tet_batches;
pub mod transfers;
pub mod units;
pub mod users;
