-- Tamper evidence (ledger.md): each fund's journal is sealed in a hash chain over canonical
-- entry bytes, in the order the sealer sees entries committed. Sealing runs in the background
-- in blocks, so it never makes donations queue on a chain head; an entry waits in
-- `seal_queue` (filled by a trigger, in the entry's own transaction) until it is sealed.

CREATE TABLE seal_queue (
  entry_id uuid PRIMARY KEY REFERENCES journal_entries (id),
  unit_id  uuid NOT NULL,
  queued   bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX seal_queue_order_idx ON seal_queue (queued);

CREATE FUNCTION journal_entries_queue_seal() RETURNS trigger AS $$
BEGIN
  INSERT INTO seal_queue (entry_id, unit_id) VALUES (NEW.id, NEW.unit_id);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER journal_entries_queue_seal AFTER INSERT ON journal_entries
  FOR EACH ROW EXECUTE FUNCTION journal_entries_queue_seal();

-- entries posted before this migration wait for their seal like any other
INSERT INTO seal_queue (entry_id, unit_id)
SELECT id, unit_id FROM journal_entries ORDER BY recorded_at, id;

-- One chain per fund: seq 1, 2, 3…; chain_hash = SHA-256(previous chain_hash ‖ entry_hash),
-- the first link hashing 32 zero bytes as its predecessor.
CREATE TABLE journal_seals (
  unit_id    uuid NOT NULL REFERENCES funds (unit_id),
  seq        bigint NOT NULL CHECK (seq > 0),
  entry_id   uuid NOT NULL UNIQUE REFERENCES journal_entries (id),
  entry_hash bytea NOT NULL CHECK (length(entry_hash) = 32),
  chain_hash bytea NOT NULL CHECK (length(chain_hash) = 32),
  sealed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (unit_id, seq)
);

CREATE TRIGGER journal_seals_append_only BEFORE UPDATE OR DELETE ON journal_seals
  FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER journal_seals_no_truncate BEFORE TRUNCATE ON journal_seals
  FOR EACH STATEMENT EXECUTE FUNCTION reject_change();
