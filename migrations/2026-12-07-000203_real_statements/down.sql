DROP TABLE bank_opening_balances;
ALTER TABLE journal_entries DROP CONSTRAINT journal_entries_source_type_check;
ALTER TABLE journal_entries ADD CONSTRAINT journal_entries_source_type_check CHECK (source_type IN (
  'donation', 'donation_void', 'disbursement', 'tet_batch', 'tet_settlement',
  'transfer_send', 'transfer_receive', 'house_payment', 'bank_fee', 'bank_interest',
  'manual', 'reversal', 'handover', 'handover_receipt'));

DROP TRIGGER statement_lines_no_delete ON statement_lines;
CREATE TRIGGER statement_lines_no_delete BEFORE DELETE ON statement_lines
  FOR EACH ROW EXECUTE FUNCTION reject_change();
DROP FUNCTION statement_lines_delete_guard();
DROP TABLE statement_withdrawals;

CREATE OR REPLACE FUNCTION statement_lines_guard() RETURNS trigger AS $$
DECLARE
  ledger uuid;
  posted numeric;
BEGIN
  IF TG_OP = 'UPDATE' AND (NEW.id, NEW.bank_account_id, NEW.statement_id, NEW.line_date, NEW.doc_no,
                           NEW.debit, NEW.credit, NEW.balance, NEW.description, NEW.description_search,
                           NEW.occurrence, NEW.identity, NEW.created_at)
      IS DISTINCT FROM (OLD.id, OLD.bank_account_id, OLD.statement_id, OLD.line_date, OLD.doc_no,
                        OLD.debit, OLD.credit, OLD.balance, OLD.description, OLD.description_search,
                        OLD.occurrence, OLD.identity, OLD.created_at) THEN
    RAISE EXCEPTION 'the bank''s side of statement line % cannot change', OLD.id
      USING ERRCODE = 'restrict_violation', CONSTRAINT = 'statement_line_bank_side_fixed';
  END IF;
  IF NEW.matched_entry_id IS NOT NULL
     AND (TG_OP = 'INSERT' OR NEW.matched_entry_id IS DISTINCT FROM OLD.matched_entry_id) THEN
    SELECT b.account_id INTO ledger FROM bank_accounts b WHERE b.id = NEW.bank_account_id;
    SELECT sum(p.amount) FILTER (WHERE p.account_id = ledger
                                   AND p.side = CASE WHEN NEW.credit > 0 THEN 'debit' ELSE 'credit' END)
      INTO posted
      FROM postings p
     WHERE p.entry_id = NEW.matched_entry_id;
    IF posted IS DISTINCT FROM NEW.credit + NEW.debit THEN
      RAISE EXCEPTION 'entry % does not post the amount of statement line % to its bank account',
        NEW.matched_entry_id, NEW.id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'line_matches_entry';
    END IF;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP INDEX donations_bank_reference_idx;
DROP INDEX statement_lines_references_idx;
ALTER TABLE statement_lines DROP COLUMN bank_references;
