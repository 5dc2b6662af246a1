//! What the API shows of attachments.
