DROP INDEX donations_bank_account_idx;
DROP INDEX statement_lines_matched_entry_key;
CREATE INDEX statement_lines_matched_entry_idx ON statement_lines (matched_entry_id) WHERE matched_entry_id IS NOT NULL;
ALTER TABLE statement_lines
  DROP CONSTRAINT statement_lines_matched_meta,
  DROP COLUMN matched_at,
  DROP COLUMN matched_by;
