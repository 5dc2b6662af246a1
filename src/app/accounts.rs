//! The accounts workflow.
