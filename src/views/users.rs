//! What the API shows of users.
