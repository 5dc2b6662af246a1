//! What the API shows of statements.
