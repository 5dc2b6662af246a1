//! What the API shows of grants.
