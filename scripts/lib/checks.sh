# shellcheck shell=bash
# The database checks of R1 (quality.md) that scripts/faults.sh and scripts/deploy-check.sh share:
# every donation that got a 201 exists exactly once, receipt numbers are 1..N per unit and year,
# every entry balances, every fund's trial balance balances, the running totals equal the
# postings, one audit event per donation.
#
# Source it after defining, in the caller:
#   psql_db DB [psql args]   psql on the cluster under test, unaligned, tuples only
#   DB                       the database
#   WORK                     a scratch folder (checks-<label>.tsv and ids.all go there)
#   RESULTS                  the results file: `label: name<TAB>ok|FAIL<TAB>detail` rows are appended

# The checks that need nothing but the ledger itself (so they also run on a read-only standby):
# `name<TAB>ok|FAIL<TAB>detail` per row.
checks_ledger_sql() {
    cat <<'SQL'
SELECT 'receipt numbers are 1..N per unit and year', CASE WHEN count(*) FILTER (WHERE NOT fine) = 0 AND count(*) > 0 THEN 'ok' ELSE 'FAIL' END,
       format('%s unit-years, %s with gaps or duplicates', count(*), count(*) FILTER (WHERE NOT fine))
  FROM (SELECT d.unit_id, d.receipt_year,
               min(receipt_seq) = 1 AND max(receipt_seq) = count(*) AND count(DISTINCT receipt_seq) = count(*)
               AND max(receipt_seq) = max(c.last_seq) AS fine
          FROM donations d LEFT JOIN receipt_counters c ON c.unit_id = d.unit_id AND c.year = d.receipt_year
         GROUP BY d.unit_id, d.receipt_year) x;
SELECT 'every journal entry balances (>= 2 postings)', CASE WHEN count(*) FILTER (WHERE NOT fine) = 0 THEN 'ok' ELSE 'FAIL' END,
       format('%s entries, %s unbalanced or with fewer than two postings', count(*), count(*) FILTER (WHERE NOT fine))
  FROM (SELECT e.id, count(p.id) >= 2
                 AND coalesce(sum(p.amount) FILTER (WHERE p.side = 'debit'), 0)
                   = coalesce(sum(p.amount) FILTER (WHERE p.side = 'credit'), 0) AS fine
          FROM journal_entries e LEFT JOIN postings p ON p.entry_id = e.id GROUP BY e.id) x;
SELECT 'each donation has its own entry for its amount', CASE WHEN count(*) FILTER (WHERE NOT fine) = 0 THEN 'ok' ELSE 'FAIL' END,
       format('%s donations, %s whose entry is not theirs', count(*), count(*) FILTER (WHERE NOT fine))
  FROM (SELECT d.id, e.id IS NOT NULL AND e.source_type = 'donation' AND e.source_id = d.id AND e.unit_id = d.unit_id
                 AND (SELECT sum(amount) FROM postings p WHERE p.entry_id = e.id AND p.side = 'debit') = d.amount_vnd AS fine
          FROM donations d LEFT JOIN journal_entries e ON e.id = d.journal_entry_id) x;
SELECT 'every fund''s trial balance balances', CASE WHEN count(*) FILTER (WHERE NOT fine) = 0 THEN 'ok' ELSE 'FAIL' END,
       format('%s funds, %s with debits <> credits', count(*), count(*) FILTER (WHERE NOT fine))
  FROM (SELECT a.unit_id, coalesce(sum(p.amount) FILTER (WHERE p.side = 'debit'), 0)
                        = coalesce(sum(p.amount) FILTER (WHERE p.side = 'credit'), 0) AS fine
          FROM postings p JOIN accounts a ON a.id = p.account_id GROUP BY a.unit_id) x;
SELECT 'balance buckets = postings per account', CASE WHEN count(*) = 0 THEN 'ok' ELSE 'FAIL' END,
       format('%s accounts differ', count(*))
  FROM (SELECT account_id, sum(debit) AS debit, sum(credit) AS credit FROM balance_buckets GROUP BY account_id) b
  FULL JOIN (SELECT account_id, coalesce(sum(amount) FILTER (WHERE side = 'debit'), 0) AS debit,
                    coalesce(sum(amount) FILTER (WHERE side = 'credit'), 0) AS credit
               FROM postings GROUP BY account_id) p USING (account_id)
 WHERE b.debit IS DISTINCT FROM p.debit OR b.credit IS DISTINCT FROM p.credit;
SELECT 'one audit event per donation', CASE WHEN count(*) FILTER (WHERE n <> 1) = 0 THEN 'ok' ELSE 'FAIL' END,
       format('%s donations, %s without exactly one donation.create event', count(*), count(*) FILTER (WHERE n <> 1))
  FROM (SELECT d.id, coalesce(a.n, 0) AS n
          FROM donations d
          LEFT JOIN (SELECT target_id, count(*) AS n FROM audit_events
                      WHERE action = 'donation.create' GROUP BY target_id) a ON a.target_id = d.id) x;
SQL
}

# The database against every 201 so far (files given); prints how many donations got no 201.
db_checks() { # label ids-file...
    local label=$1
    shift
    cat "$@" >"$WORK/ids.all"
    {
        cat <<SQL
CREATE TEMP TABLE got (id uuid NOT NULL);
\copy got FROM '$WORK/ids.all'
ANALYZE got;
SELECT '201 ids are distinct', CASE WHEN count(*) = count(DISTINCT id) THEN 'ok' ELSE 'FAIL' END,
       format('%s ids, %s distinct', count(*), count(DISTINCT id)) FROM got;
SELECT 'every 201 exists exactly once', CASE WHEN count(*) FILTER (WHERE n <> 1) = 0 THEN 'ok' ELSE 'FAIL' END,
       format('%s of %s found once', count(*) FILTER (WHERE n = 1), count(*))
  FROM (SELECT g.id, (SELECT count(*) FROM donations d WHERE d.id = g.id) AS n FROM (SELECT DISTINCT id FROM got) g) x;
SQL
        checks_ledger_sql
    } | psql_db "$DB" -F $'\t' >"$WORK/checks-$label.tsv"
    sed "s/^/$label: /" "$WORK/checks-$label.tsv" >>"$RESULTS"
    psql_db "$DB" <<SQL
CREATE TEMP TABLE got (id uuid NOT NULL);
\copy got FROM '$WORK/ids.all'
SELECT count(*) FROM donations d WHERE NOT EXISTS (SELECT 1 FROM got g WHERE g.id = d.id);
SQL
}

# The ledger checks alone (no temporary table: fit for a hot standby).
ledger_checks() { # label
    checks_ledger_sql | psql_db "$DB" -F $'\t' >"$WORK/checks-$1.tsv"
    sed "s/^/$1: /" "$WORK/checks-$1.tsv" >>"$RESULTS"
}
