//! Persistence: the connection pools, embedded migrations, and one module of queries per
//! aggregate. Query functions take a connection and return `QueryResult`; the caller owns the
//! transaction. Nothing here knows about HTTP.

pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod balances;
pub mod bank_accounts;
pub mod bootstrap;
pub mod campaign_spending;
pub mod campaigns;
pub mod disbursements;
pub mod donations;
pub mod donor_name_checks;
pub mod embedded;
pub mod fund_statement;
pub mod handovers;
pub mod house_contributions;
pub mod households;
pub mod houses;
pub mod housing_norms;
pub mod housing_report;
pub mod idempotency;
pub mod locate;
pub mod matching;
pub mod migrations;
pub mod opening_balances;
pub mod periods;
pub mod pool;
pub mod reconciliation;
pub mod refresh_tokens;
pub mod schema;
pub mod spending;
pub mod statements;
pub mod successions;
pub mod tet_batches;
pub mod transfers;
pub mod units;
pub mod users;
pub mod word;

pub use pool::{Conn, Pool, PoolError, Pools};
