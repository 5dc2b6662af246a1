-- Bank statements (sao kê) of a fund's bank accounts and their lines, for matching against the
-- ledger and reconciliation. An import is one `bank_statements` row; its lines are kept once
-- per account however many overlapping statements bring them: a line's `identity` (SHA-256 of
-- account, date, document number, amounts, description and occurrence) is unique, and a
-- re-import skips the lines whose identity exists.

CREATE TABLE bank_statements (
  id              uuid PRIMARY KEY,
  bank_account_id uuid NOT NULL REFERENCES bank_accounts (id),
  format          text NOT NULL CHECK (format IN ('vietcombank', 'bidv', 'vietinbank', 'agribank', 'generic')),
  imported_by     uuid NOT NULL REFERENCES users (id),
  imported_at     timestamptz NOT NULL DEFAULT now(),
  lines_total     integer NOT NULL CHECK (lines_total > 0),
  lines_new       integer NOT NULL CHECK (lines_new >= 0),
  lines_duplicate integer NOT NULL CHECK (lines_duplicate >= 0),
  credits_total   numeric(20, 0) NOT NULL CHECK (credits_total >= 0),
  debits_total    numeric(20, 0) NOT NULL CHECK (debits_total >= 0),
  opening_balance numeric(20, 0),
  closing_balance numeric(20, 0),
  first_date      date NOT NULL,
  last_date       date NOT NULL,
  -- of the file as uploaded
  sha256          bytea NOT NULL CHECK (length(sha256) = 32),
  CHECK (lines_new + lines_duplicate = lines_total),
  CHECK (first_date <= last_date),
  -- the target of statement_lines' (statement_id, bank_account_id)
  UNIQUE (id, bank_account_id)
);
CREATE INDEX bank_statements_account_idx ON bank_statements (bank_account_id, imported_at);

CREATE TABLE statement_lines (
  id                 uuid PRIMARY KEY,
  bank_account_id    uuid NOT NULL,
  -- the first statement that brought the line
  statement_id       uuid NOT NULL,
  line_date          date NOT NULL,
  doc_no             text CHECK (length(doc_no) BETWEEN 1 AND 100),
  debit              numeric(20, 0) NOT NULL DEFAULT 0 CHECK (debit >= 0),
  credit             numeric(20, 0) NOT NULL DEFAULT 0 CHECK (credit >= 0),
  -- the running balance after the line, when the bank printed one
  balance            numeric(20, 0),
  description        text NOT NULL CHECK (length(description) <= 2000),
  -- `description` folded (lower case, no diacritics) for `?q=` search
  description_search text NOT NULL,
  -- 1, 2, … for identical lines of one day within one statement: two equal transfers on a day
  -- are two gifts, never one
  occurrence         integer NOT NULL CHECK (occurrence >= 1),
  identity           bytea NOT NULL UNIQUE CHECK (length(identity) = 32),
  status             text NOT NULL DEFAULT 'unmatched' CHECK (status IN ('unmatched', 'matched', 'ignored')),
  matched_entry_id   uuid REFERENCES journal_entries (id),
  ignore_reason      text CHECK (length(ignore_reason) BETWEEN 1 AND 1000),
  created_at         timestamptz NOT NULL DEFAULT now(),
  -- exactly one side
  CHECK ((debit > 0) <> (credit > 0)),
  CHECK ((status = 'matched') = (matched_entry_id IS NOT NULL)),
  CHECK ((status = 'ignored') = (ignore_reason IS NOT NULL)),
  -- the line belongs to the account of its statement; deferred so an import inserts its lines
  -- first and its statement row (with the counts) last, in one transaction
  FOREIGN KEY (statement_id, bank_account_id) REFERENCES bank_statements (id, bank_account_id)
    DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX statement_lines_account_date_idx ON statement_lines (bank_account_id, line_date, id);
CREATE INDEX statement_lines_account_status_idx ON statement_lines (bank_account_id, status, line_date, id);
CREATE INDEX statement_lines_matched_entry_idx ON statement_lines (matched_entry_id) WHERE matched_entry_id IS NOT NULL;
