//! What the API shows of audit events.
