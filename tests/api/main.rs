//! One integration-test binary: every test spawns the real app on a random port against its own
//! database, cloned from a migrated and seeded template, and talks HTTP to it.

mod helpers;

mod audit;
mod auth;
mod campaigns;
mod database;
mod demo;
mod donations;
mod ledger;
mod openapi;
mod operations;
mod problems;
mod public;
mod scope;
mod tokens;
mod units;
mod users;
