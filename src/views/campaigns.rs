//! What the API shows of campaigns.
