-- The one-shared-row ceiling: what PostgreSQL alone must do for one donation, all into the one
-- P1a unit, as the service sends it (src/app/donations.rs, src/db/donations.rs): a read of what
-- the checks need (here the small bench_targets table, with the unit's ancestry), then the
-- donation written by one statement committed on its own — the function record_donation
-- (migration 000103): the entry and its two postings, the constraint check forced early, the
-- audit row, then the unit's receipt counter (its one shared row, held from there to the
-- commit) and the donation. No Idempotency-Key: the claim is the service's own cost.
-- Run with -M prepared and -D seq=0.
\set seq :seq + 1
SELECT t.unit_id AS unit, t.code, t.bank_account_id AS bank, t.bank_ledger, t.income, t.actor,
       t.actor_roles, u.ancestry, gen_random_uuid() AS entry, gen_random_uuid() AS donation
  FROM bench_targets t JOIN units u ON u.id = t.unit_id WHERE t.n = 0 \gset
SELECT receipt_number FROM record_donation(
  :actor, NULL, NULL, 30, 24, NULL, NULL,
  :entry, 'Ủng hộ (bank_transfer)', :bank_ledger, :income, NULL,
  gen_random_uuid(), :actor_roles::jsonb, 'bench-' || :client_id::text || '-' || :seq::text, '127.0.0.1',
  jsonb_build_object('channel', 'bank_transfer', 'amount_vnd', '500000', 'journal_entry_id', :entry::text),
  :ancestry::uuid[],
  :donation, :unit, :code, NULL, 'bank_transfer', 500000, 'VND', NULL, 500000, current_date,
  'individual', 'Nguyễn Văn An', 'nguyen van an', NULL, NULL, NULL, NULL, 'name',
  :bank, 'PGB' || :client_id::text || '-' || :seq::text, NULL, NULL, now());
