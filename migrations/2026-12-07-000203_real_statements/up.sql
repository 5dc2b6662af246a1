-- Real bank statements (issue "Real statements, real donors"):
--
-- 1. The bank's own references of each line (document number, FT reference, the transaction
--    numbers of the bank-app, interbank and wallet layouts), kept upper case for exact lookup by
--    donors and officers. Lines imported before this migration get their document number only.
-- 2. A statement imported by mistake (another bank's layout, the wrong account) can be
--    withdrawn while none of its lines is matched: the statement row stays as evidence of what
--    was uploaded, its withdrawal says who, when and why, and its lines go away.
-- 3. A bank account's opening balance: the money it held before the first statement, booked
--    once per account (debit its 1121.N, credit 4111) so the books open where the bank's do.

ALTER TABLE statement_lines ADD COLUMN bank_references text[] NOT NULL DEFAULT '{}',
  -- the sender's name where the export has a column for it; it wins over the description
  ADD COLUMN counterparty text CHECK (length(counterparty) BETWEEN 1 AND 200);
UPDATE statement_lines SET bank_references = ARRAY[upper(replace(doc_no, ' ', ''))]
 WHERE doc_no IS NOT NULL;
CREATE INDEX statement_lines_references_idx ON statement_lines USING gin (bank_references);

-- the exact lookup of a reference typed on a donation recorded by hand
CREATE INDEX donations_bank_reference_idx ON donations (bank_reference)
  WHERE bank_reference IS NOT NULL;

-- the references and the sender's name are the bank's side of a line too: fixed once
-- imported (a trigger of their own, so `statement_lines_guard` keeps its one definition,
-- migration 000012)
CREATE FUNCTION statement_lines_references_fixed() RETURNS trigger AS $$
BEGIN
  IF (NEW.bank_references, NEW.counterparty) IS DISTINCT FROM (OLD.bank_references, OLD.counterparty) THEN
    RAISE EXCEPTION 'the bank''s side of statement line % cannot change', OLD.id
      USING ERRCODE = 'restrict_violation', CONSTRAINT = 'statement_line_bank_side_fixed';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER statement_lines_references_fixed BEFORE UPDATE OF bank_references, counterparty ON statement_lines
  FOR EACH ROW EXECUTE FUNCTION statement_lines_references_fixed();

CREATE TABLE statement_withdrawals (
  statement_id  uuid CONSTRAINT statement_withdrawals_pkey PRIMARY KEY REFERENCES bank_statements (id),
  reason        text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
  withdrawn_by  uuid NOT NULL REFERENCES users (id),
  withdrawn_at  timestamptz NOT NULL DEFAULT now(),
  lines_removed integer NOT NULL CHECK (lines_removed >= 0)
);
CREATE TRIGGER statement_withdrawals_append_only BEFORE UPDATE OR DELETE ON statement_withdrawals
  FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER statement_withdrawals_no_truncate BEFORE TRUNCATE ON statement_withdrawals
  FOR EACH STATEMENT EXECUTE FUNCTION reject_change();

-- A line goes away only with its statement's withdrawal, and never once matched (booked or
-- matched by hand: the match must be undone first, so no entry loses its bank evidence).
CREATE FUNCTION statement_lines_delete_guard() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'matched'
     OR NOT EXISTS (SELECT 1 FROM statement_withdrawals w WHERE w.statement_id = OLD.statement_id) THEN
    RAISE EXCEPTION 'statement line % cannot be deleted', OLD.id
      USING ERRCODE = 'restrict_violation', CONSTRAINT = 'statement_line_kept';
  END IF;
  RETURN OLD;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER statement_lines_no_delete ON statement_lines;
CREATE TRIGGER statement_lines_no_delete BEFORE DELETE ON statement_lines
  FOR EACH ROW EXECUTE FUNCTION statement_lines_delete_guard();

ALTER TABLE journal_entries DROP CONSTRAINT journal_entries_source_type_check;
ALTER TABLE journal_entries ADD CONSTRAINT journal_entries_source_type_check CHECK (source_type IN (
  'donation', 'donation_void', 'disbursement', 'tet_batch', 'tet_settlement', 'transfer_send',
  'transfer_receive', 'house_payment', 'bank_fee', 'bank_interest',
  'manual', 'reversal', 'handover', 'handover_receipt', 'opening_balance'));

CREATE TABLE bank_opening_balances (
  -- once per account
  bank_account_id  uuid CONSTRAINT bank_opening_balances_pkey PRIMARY KEY REFERENCES bank_accounts (id),
  as_of            date NOT NULL,
  amount           numeric(20, 0) NOT NULL CHECK (amount > 0),
  campaign_id      uuid REFERENCES campaigns (id),
  journal_entry_id uuid NOT NULL UNIQUE REFERENCES journal_entries (id),
  recorded_by      uuid NOT NULL REFERENCES users (id),
  recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER bank_opening_balances_append_only BEFORE UPDATE OR DELETE ON bank_opening_balances
  FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER bank_opening_balances_no_truncate BEFORE TRUNCATE ON bank_opening_balances
  FOR EACH STATEMENT EXECUTE FUNCTION reject_change();
