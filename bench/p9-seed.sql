-- P9's money (bench/README.md, "P9"): donations in every fund of the 2025-03 tree, through the
-- real posting path. Each is one call of `record_donation` (migration 000103), the function the
-- service's donation writer sends, so every trigger of the ledger runs (posting placement,
-- periods, the unit's life, balances, receipt counters, the seal queue, the deferred balance
-- checks at commit). Only the rules the application applies before it (which accounts, which
-- campaign) are written out here, as src/app/donations.rs applies them.
--
-- psql variables: actor (the bench officer's user id), roles (its role assignments, JSON).
-- Dated 2025-06-xx: before the reform's effective day, so the units take them.
--
-- Per unit (n: the unit's rank by code):
--   every commune, district and province: one cash donation (1111/5111) and one donation
--   earmarked for its province's restricted campaign (1111/5111, the campaign on both postings);
--   every unit with a bank account: one bank transfer (1121.N/5111);
--   every third commune, every district and province: one donation in kind (1551/5112).
--
-- First the bank accounts those transfers go into: a province's, a district's and every fifth
-- commune's, the rows the service's own registration writes (db::bank_accounts::insert: the
-- fund's ledger account 1121.N, then the bank account; with the audit event of
-- app::bank_accounts::create), set-based: 2,800 requests would each need a finance officer's
-- role at exactly that unit.
\set ON_ERROR_STOP 1
BEGIN;
CREATE TEMP TABLE p9_banks ON COMMIT DROP AS
SELECT u.id AS unit_id, u.code, u.ancestry, uuid_generate_v7() AS account_id, uuid_generate_v7() AS id,
       CASE u.tier WHEN 'province' THEN '1' WHEN 'district' THEN '2' ELSE '3' END || lpad(u.code, 9, '0') AS account_number,
       '1121.' || (1 + (SELECT count(*) FROM accounts a WHERE a.unit_id = u.id AND a.chart_code = '1121')) AS ledger_code
  FROM (SELECT u.*, row_number() OVER (ORDER BY u.code) AS n FROM units u
         WHERE u.tier IN ('province', 'district', 'commune')) u
 WHERE u.tier <> 'commune' OR u.n % 5 = 0;
INSERT INTO accounts (id, unit_id, code, chart_code, name, account_type)
SELECT account_id, unit_id, ledger_code, '1121', 'Tiền gửi Vietcombank ****' || right(account_number, 4), 'asset'
  FROM p9_banks;
INSERT INTO bank_accounts (id, unit_id, bank_bin, bank_name, account_number, account_name, currency,
                           account_id, created_by)
SELECT id, unit_id, '970436', 'Vietcombank', account_number, 'QUY VI NGUOI NGHEO', 'VND', account_id,
       :'actor'::uuid
  FROM p9_banks;
INSERT INTO audit_events (id, actor_id, actor_roles, action, target_type, target_id, unit_id,
                          request_id, client_ip, changes, unit_ancestry)
SELECT uuid_generate_v7(), :'actor'::uuid, :'roles'::jsonb, 'bank_account.create', 'bank_account', id,
       unit_id, 'bench-p9-seed', NULL,
       jsonb_build_object('ledger_account', ledger_code, 'bank_bin', '970436',
                          'account_number', '******' || right(account_number, 4)),
       ancestry
  FROM p9_banks;
SELECT 'P9 seed: ' || count(*) || ' bank accounts' FROM p9_banks;
COMMIT;

BEGIN;
CREATE TEMP TABLE p9_gifts ON COMMIT DROP AS
WITH u AS (
  SELECT u.id, u.code, u.tier, u.ancestry, u.path[2] AS province_code,
         row_number() OVER (ORDER BY u.code) AS n
    FROM units u
   WHERE u.tier IN ('province', 'district', 'commune')
), chart AS (
  SELECT a.unit_id,
         max(a.id::text) FILTER (WHERE a.code = '1111')::uuid AS cash,
         max(a.id::text) FILTER (WHERE a.code = '1551')::uuid AS goods,
         max(a.id::text) FILTER (WHERE a.code = '5111')::uuid AS cash_income,
         max(a.id::text) FILTER (WHERE a.code = '5112')::uuid AS in_kind_income
    FROM accounts a
   WHERE a.code IN ('1111', '1551', '5111', '5112')
   GROUP BY a.unit_id
), camp AS (
  SELECT p.code AS province_code, c.id
    FROM campaigns c JOIN units p ON p.id = c.unit_id
   WHERE c.restricted AND c.name LIKE 'Bench P9 %'
), bank AS (
  SELECT DISTINCT ON (unit_id) unit_id, id, account_id FROM bank_accounts ORDER BY unit_id, created_at, id
), gifts AS (
  SELECT u.*, 'cash' AS channel, c.cash AS debit, c.cash_income AS credit, NULL::uuid AS campaign,
         NULL::uuid AS bank_account_id,
         (CASE u.tier WHEN 'province' THEN 50000000 WHEN 'district' THEN 5000000 ELSE 200000 END
           + (u.n * 7919 % 997) * 1000 + u.n % 7)::numeric AS amount, 1 AS k
    FROM u JOIN chart c ON c.unit_id = u.id
  UNION ALL
  SELECT u.*, 'cash', c.cash, c.cash_income, camp.id, NULL,
         (CASE u.tier WHEN 'province' THEN 20000000 WHEN 'district' THEN 2000000 ELSE 100000 END
           + (u.n * 104729 % 389) * 1000 + u.n % 11)::numeric, 2
    FROM u JOIN chart c ON c.unit_id = u.id JOIN camp USING (province_code)
  UNION ALL
  SELECT u.*, 'bank_transfer', b.account_id, c.cash_income, NULL, b.id,
         (CASE u.tier WHEN 'province' THEN 80000000 WHEN 'district' THEN 8000000 ELSE 500000 END
           + (u.n * 15485863 % 1009) * 1000 + u.n % 13)::numeric, 3
    FROM u JOIN chart c ON c.unit_id = u.id JOIN bank b ON b.unit_id = u.id
  UNION ALL
  SELECT u.*, 'in_kind', c.goods, c.in_kind_income, NULL, NULL,
         (CASE u.tier WHEN 'province' THEN 10000000 WHEN 'district' THEN 1000000 ELSE 300000 END
           + (u.n * 31 % 101) * 1000)::numeric, 4
    FROM u JOIN chart c ON c.unit_id = u.id
   WHERE u.tier <> 'commune' OR u.n % 3 = 0
)
SELECT g.*, uuid_generate_v7() AS donation_id, uuid_generate_v7() AS entry_id,
       uuid_generate_v7() AS audit_id,
       date '2025-06-01' + (g.n % 29)::int AS received_on,
       'Bench P9 donor ' || g.n || '-' || g.k AS donor_name
  FROM gifts g;

SELECT 'P9 seed: ' || count(*) || ' donations to record, ' || sum(amount) || ' VND' FROM p9_gifts;

SELECT 'P9 seed: recorded ' || count(*) || ' donations'
  FROM p9_gifts g,
       LATERAL record_donation(
         :'actor'::uuid, NULL, NULL, 0, 0, NULL, NULL,
         g.entry_id, 'Ủng hộ (' || g.channel || ')', g.debit, g.credit, g.campaign,
         g.audit_id, :'roles'::jsonb, 'bench-p9-seed', NULL,
         jsonb_build_object('channel', g.channel, 'amount_vnd', g.amount::text,
                            'journal_entry_id', g.entry_id),
         g.ancestry,
         g.donation_id, g.id, g.code, g.campaign, g.channel, g.amount, 'VND', NULL, g.amount,
         g.received_on, 'individual', g.donor_name, lower(g.donor_name), NULL, NULL, NULL, NULL,
         'name', g.bank_account_id,
         CASE WHEN g.bank_account_id IS NOT NULL THEN 'P9-' || g.code || '-' || g.k END,
         CASE WHEN g.channel = 'in_kind' THEN jsonb_build_array(jsonb_build_object(
           'description', 'Gạo', 'quantity', '10', 'unit', 'bao', 'value', g.amount::text)) END,
         NULL, now()) r;
COMMIT;
