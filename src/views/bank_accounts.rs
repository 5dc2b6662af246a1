//! What the API shows of bank accounts.
