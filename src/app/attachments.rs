//! The attachments workflow.
