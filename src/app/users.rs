//! The users workflow.
