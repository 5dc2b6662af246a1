-- P9's checks on the database after the reform (bench/README.md, "P9"); each query: name,
-- ok|FAIL, detail. The seal chains are checked by `doanket ledger verify`, the national totals
-- and the dissolving units by bench/p9.py (they compare with what was there before).
SELECT 'every journal entry balances', CASE WHEN count(*) FILTER (WHERE NOT fine) = 0 THEN 'ok' ELSE 'FAIL' END,
       format('%s entries, %s unbalanced or with fewer than two postings', count(*), count(*) FILTER (WHERE NOT fine))
  FROM (SELECT e.id, count(p.id) >= 2
                 AND coalesce(sum(p.amount) FILTER (WHERE p.side = 'debit'), 0)
                   = coalesce(sum(p.amount) FILTER (WHERE p.side = 'credit'), 0) AS fine
          FROM journal_entries e LEFT JOIN postings p ON p.entry_id = e.id GROUP BY e.id) x;
SELECT 'every fund''s trial balance balances', CASE WHEN count(*) FILTER (WHERE debit <> credit) = 0 THEN 'ok' ELSE 'FAIL' END,
       format('%s funds with postings, %s whose debits and credits differ', count(*), count(*) FILTER (WHERE debit <> credit))
  FROM (SELECT unit_id, coalesce(sum(amount) FILTER (WHERE side = 'debit'), 0) AS debit,
               coalesce(sum(amount) FILTER (WHERE side = 'credit'), 0) AS credit
          FROM postings GROUP BY unit_id) x;
SELECT 'balance buckets = postings per account', CASE WHEN count(*) = 0 THEN 'ok' ELSE 'FAIL' END,
       format('%s accounts differ', count(*))
  FROM (SELECT account_id, sum(debit) AS debit, sum(credit) AS credit FROM balance_buckets GROUP BY account_id) b
  FULL JOIN (SELECT account_id, coalesce(sum(amount) FILTER (WHERE side = 'debit'), 0) AS debit,
                    coalesce(sum(amount) FILTER (WHERE side = 'credit'), 0) AS credit
               FROM postings GROUP BY account_id) p USING (account_id)
 WHERE b.debit IS DISTINCT FROM p.debit OR b.credit IS DISTINCT FROM p.credit;
SELECT 'every dissolved fund is empty', CASE WHEN count(*) FILTER (WHERE NOT empty) = 0 THEN 'ok' ELSE 'FAIL' END,
       format('%s dissolved units, %s with a balance left', count(*), count(*) FILTER (WHERE NOT empty))
  FROM (SELECT u.id, NOT EXISTS (
                 SELECT 1 FROM postings p WHERE p.unit_id = u.id AND p.chart_code LIKE '1%'
                  GROUP BY p.account_id, p.campaign_id
                 HAVING sum(CASE p.side WHEN 'debit' THEN p.amount ELSE -p.amount END) <> 0) AS empty
          FROM units u WHERE u.status = 'dissolved') x;
SELECT 'the sealer caught up', CASE WHEN count(*) = 0 THEN 'ok' ELSE 'FAIL' END,
       format('%s entries waiting for their seal', count(*)) FROM seal_queue;
