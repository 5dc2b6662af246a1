//! The journal workflow.
