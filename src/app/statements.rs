//! The statements workflow.
