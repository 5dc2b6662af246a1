//! The grants workflow.
