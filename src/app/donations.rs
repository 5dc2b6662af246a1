//! The donations workflow.
