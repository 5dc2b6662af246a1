//! What the API shows of house contributions.
