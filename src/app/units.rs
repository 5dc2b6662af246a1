//! The units workflow.
