//! What the API shows of public.
