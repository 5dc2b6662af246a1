//! Pure types and rules of the domain: no web framework, no database. Values here are parsed once at the
//! edge and cannot be wrong afterwards.

pub mod account_code;
pub mod attachment;
pub mod clock;
pub mod donation;
pub mod field;
pub mod fund_date;
pub mod handover;
pub mod house;
pub mod household;
pub mod ids;
pub mod money;
pub mod period;
pub mod role;
pub mod spending;
pub mod statement;
pub mod succession_file;
pub mod tet;
pub mod text;
pub mod tier;
pub mod unit_code;
pub mod unit_file;
pub mod unit_life;
pub mod username;

pub use ids::{UnitId, UserId};
pub use role::Role;
pub use tier::Tier;
pub use unit_code::UnitCode;
pub use username::Username;
