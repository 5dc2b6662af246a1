//! Đoàn Kết: the Fund for the Poor (Quỹ "Vì người nghèo") and Great Unity houses of the
//! Vietnam Fatherland Front, as a REST API.
//!
//! Data flows one way: `routes` (HTTP) → `domain` (parse and decide) → `db` (persist) → view.

pub mod app;
pub mod audit;
pub mod auth;
pub mod banner;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod export;
pub mod extract;
pub mod i18n;
pub mod idempotency;
pub mod input_errors;
pub mod ledger;
pub mod messages;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod pagination;
pub mod routes;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod unique_json;
pub mod views;
pub mod vocabulary;
