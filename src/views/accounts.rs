//! What the API shows of accounts.
