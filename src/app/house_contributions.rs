//! The house contributions workflow.
