//! What the API shows of housing norms.
