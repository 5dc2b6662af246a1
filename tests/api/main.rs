//! One integration-test binary: every test spawns the real app on a random port against its own
//! database, cloned from a migrated and seeded template, and talks HTTP to it.

mod helpers;

mod after_reform;
mod attachments;
mod audit;
mod auth;
mod campaign_report;
mod campaigns;
mod cli;
mod database;
mod demo;
mod disbursements;
mod donations;
mod edges;
mod exports;
mod four_eyes;
mod fund_statement;
mod handover_rounds;
mod handovers;
mod hardening_http;
mod house_contributions;
mod households;
mod houses;
mod housing_norms;
mod housing_report;
mod ledger;
mod matching;
mod openapi;
mod operations;
mod problems;
mod public;
mod public_spending;
mod real_statements;
mod reconciliation;
mod reform;
mod reports;
mod scope;
mod sealing;
mod statement_donations;
mod statements;
mod tet_batches;
mod tokens;
mod transfers;
mod units;
mod users;
