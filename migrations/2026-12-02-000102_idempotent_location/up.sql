-- A replayed 201 carries the Location header of the first response, so the stored response
-- keeps it beside its status and body.
ALTER TABLE idempotency_keys ADD COLUMN response_location text;
