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

DROP TRIGGER statement_lines_references_fixed ON statement_lines;
DROP FUNCTION statement_lines_references_fixed();

DROP INDEX donations_bank_reference_idx;
DROP INDEX statement_lines_references_idx;
ALTER TABLE statement_lines DROP COLUMN bank_references, DROP COLUMN counterparty;
