//! The campaigns workflow.
