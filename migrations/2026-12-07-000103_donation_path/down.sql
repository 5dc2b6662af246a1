DROP FUNCTION record_donation;
DROP FUNCTION claim_idempotency_key;
DROP FUNCTION receipt_number;
