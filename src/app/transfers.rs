//! The transfers workflow.
