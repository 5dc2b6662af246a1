-- The one-shared-row ceiling: the same transaction as no-shared-row.sql, all into the one P1a
-- unit, with the donation inserted by the service's own statement: the receipt counter upsert
-- (the unit's one shared row) as a CTE of the donation insert, last, right before COMMIT.
-- Run with -M prepared and -D seq=0.
\set seq :seq + 1
SELECT unit_id AS unit, code, bank_account_id AS bank, bank_ledger, income, actor, actor_roles,
       gen_random_uuid() AS entry, gen_random_uuid() AS donation,
       extract(year FROM current_date)::int AS year
  FROM bench_targets WHERE n = 0 \gset
BEGIN;
INSERT INTO journal_entries (id, unit_id, effective_date, source_type, source_id, description, reason, reverses_id, created_by)
  VALUES (:entry, :unit, current_date, 'donation', :donation, 'Ủng hộ (bank_transfer)', NULL, NULL, :actor);
INSERT INTO postings (entry_id, account_id, side, amount, campaign_id, unit_id, effective_date)
  VALUES (:entry, :bank_ledger, 'debit', 500000, NULL, :unit, current_date),
         (:entry, :income, 'credit', 500000, NULL, :unit, current_date);
SET CONSTRAINTS postings_check, journal_entries_check_postings IMMEDIATE;
SELECT ancestry FROM units WHERE id = :unit \gset
INSERT INTO audit_events (id, actor_id, actor_roles, action, target_type, target_id, unit_id, request_id, client_ip, changes, unit_ancestry)
  VALUES (gen_random_uuid(), :actor, :actor_roles::jsonb, 'donation.create', 'donation', :donation, :unit,
          'bench-' || :client_id::text || '-' || :seq::text, '127.0.0.1',
          jsonb_build_object('channel', 'bank_transfer', 'amount_vnd', '500000', 'journal_entry_id', :entry::text),
          :ancestry::uuid[]);
WITH c AS (
  INSERT INTO receipt_counters AS rc (unit_id, year, last_seq) VALUES (:unit, :year, 1)
  ON CONFLICT (unit_id, year) DO UPDATE SET last_seq = rc.last_seq + 1
  RETURNING last_seq)
INSERT INTO donations (id, unit_id, campaign_id, channel, amount, currency, fx_rate, amount_vnd,
       received_on, donor_kind, donor_name, donor_search, donor_phone, donor_email, donor_address,
       donor_tax_code, public_display, bank_account_id, bank_reference, in_kind_items, note,
       journal_entry_id, created_by, receipt_year, receipt_seq, receipt_number)
  SELECT :donation, :unit, NULL, 'bank_transfer', 500000, 'VND', NULL, 500000,
         current_date, 'individual', 'Nguyễn Văn An', 'nguyen van an', NULL, NULL, NULL,
         NULL, 'name', :bank, 'PGB' || :client_id::text || '-' || :seq::text, NULL, NULL,
         :entry, :actor, :year, c.last_seq,
         :code || '-' || :year::text || '-' || lpad(c.last_seq::text, greatest(6, length(c.last_seq::text)), '0')
    FROM c
  RETURNING *;
COMMIT;
