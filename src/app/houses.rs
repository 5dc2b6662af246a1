//! The houses workflow.
