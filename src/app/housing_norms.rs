//! The housing norms workflow.
