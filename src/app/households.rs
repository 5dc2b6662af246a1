//! The households workflow.
