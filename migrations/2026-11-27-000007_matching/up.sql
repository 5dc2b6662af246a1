-- Matching statement lines to ledger entries: who matched a line and when (the importing
-- finance officer for automatic matches), one line per journal entry at most, and the index the
-- automatic matching's date window reads.

ALTER TABLE statement_lines
  ADD COLUMN matched_by uuid REFERENCES users (id),
  ADD COLUMN matched_at timestamptz,
  ADD CONSTRAINT statement_lines_matched_meta CHECK ((status = 'matched') = (matched_at IS NOT NULL));

-- an entry is matched to at most one line
DROP INDEX statement_lines_matched_entry_idx;
CREATE UNIQUE INDEX statement_lines_matched_entry_key ON statement_lines (matched_entry_id)
  WHERE matched_entry_id IS NOT NULL;

CREATE INDEX donations_bank_account_idx ON donations (bank_account_id, received_on)
  WHERE bank_account_id IS NOT NULL;
