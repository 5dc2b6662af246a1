//! The spending workflow.
