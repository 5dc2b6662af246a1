//! The catalogue: the words of every refusal a command makes, in English and Vietnamese, one
//! file per area. A command names what went wrong (`messages::spending::same_person()`); the
//! words live here only, so a translation is fixed in one place and two commands refusing the
//! same thing say it the same way. Titles of the problem codes are beside the codes
//! (`app::error::Code::title`); field errors about a request's shape are `input_errors`'.

pub mod attachments;
pub mod bank_accounts;
pub mod campaigns;
pub mod common;
pub mod donations;
pub mod handovers;
pub mod households;
pub mod houses;
pub mod journal;
pub mod periods;
pub mod spending;
pub mod statements;
pub mod tet_batches;
pub mod transfers;
pub mod units;
pub mod users;
