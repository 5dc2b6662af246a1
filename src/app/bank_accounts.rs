//! The bank accounts workflow.
