//! The periods workflow.
