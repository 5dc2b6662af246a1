-- The seal chain's shape held by the database, not only by the sealer: a seal belongs to its
-- entry's own fund, takes the next place in that fund's chain, and links to the one before it
-- (chain_hash = SHA-256(previous chain_hash ‖ entry_hash), 32 zero bytes before the first).
-- Whether entry_hash is the hash of the entry's canonical bytes is what verification checks.

CREATE FUNCTION journal_seals_link() RETURNS trigger AS $$
DECLARE
  prev_seq bigint;
  prev_hash bytea;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM journal_entries WHERE id = NEW.entry_id AND unit_id = NEW.unit_id) THEN
    RAISE EXCEPTION 'entry % is not of fund %', NEW.entry_id, NEW.unit_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'seal_of_the_entrys_fund';
  END IF;
  -- a row trigger sees the rows its statement inserted before this one: a block links in order
  SELECT seq, chain_hash INTO prev_seq, prev_hash
    FROM journal_seals WHERE unit_id = NEW.unit_id ORDER BY seq DESC LIMIT 1;
  IF NEW.seq <> coalesce(prev_seq, 0) + 1
     OR NEW.chain_hash <> sha256(coalesce(prev_hash, decode(repeat('00', 32), 'hex')) || NEW.entry_hash) THEN
    RAISE EXCEPTION 'seal % of fund % does not follow its chain', NEW.seq, NEW.unit_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'seal_chain_link';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER journal_seals_link BEFORE INSERT ON journal_seals
  FOR EACH ROW EXECUTE FUNCTION journal_seals_link();
