-- A bank statement is evidence: once imported, neither the statement nor the bank's side of its
-- lines (date, amounts, description, identity) may change or go away — only a line's matching
-- state moves. And a line matched to a journal entry must be matched to one that posts the
-- line's amount to the bank account on the matching side (a credit line to a debit of its
-- 1121.N, a debit line to a credit), however the match was written.

CREATE TRIGGER bank_statements_append_only BEFORE UPDATE OR DELETE ON bank_statements
  FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER bank_statements_no_truncate BEFORE TRUNCATE ON bank_statements
  FOR EACH STATEMENT EXECUTE FUNCTION reject_change();
CREATE TRIGGER statement_lines_no_delete BEFORE DELETE ON statement_lines
  FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER statement_lines_no_truncate BEFORE TRUNCATE ON statement_lines
  FOR EACH STATEMENT EXECUTE FUNCTION reject_change();

CREATE FUNCTION statement_lines_guard() RETURNS trigger AS $$
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
      USING ERRCODE = 'restrict_violation';
  END IF;
  IF NEW.matched_entry_id IS NOT NULL
     AND (TG_OP = 'INSERT' OR NEW.matched_entry_id IS DISTINCT FROM OLD.matched_entry_id) THEN
    SELECT b.account_id INTO ledger FROM bank_accounts b WHERE b.id = NEW.bank_account_id;
    -- by the entry alone (its few postings), filtered after: a plan that also scanned the bank
    -- account's postings would read all of them for every line of a bulk match
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

CREATE TRIGGER statement_lines_guard BEFORE INSERT OR UPDATE ON statement_lines
  FOR EACH ROW EXECUTE FUNCTION statement_lines_guard();
