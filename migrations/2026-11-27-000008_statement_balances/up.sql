-- Balances per statement, not per row. A bulk insert (P4: a chunk of 1,000 donations from
-- statement lines, 2,000 postings in one statement) used to add to the same two bucket rows
-- 1,000 times each within one transaction; every update left a row version the next had to step
-- over. Now each statement adds its totals per (account, earmark) once.
DROP TRIGGER postings_apply ON postings;
DROP FUNCTION postings_apply();

CREATE FUNCTION postings_apply() RETURNS trigger AS $$
BEGIN
  -- money leaves a guarded account: serialise with every other spend of that fund; a statement
  -- touching several funds locks them in one order, so two such statements cannot deadlock
  PERFORM pg_advisory_xact_lock(hashtext('spend:' || f.unit_id::text), 0)
     FROM (SELECT DISTINCT unit_id FROM new_postings
            WHERE side = 'credit' AND is_guarded_asset(chart_code)
            ORDER BY unit_id) f;
  -- rows in key order, for the same reason
  INSERT INTO balance_buckets AS b (account_id, campaign_id, bucket, unit_id, chart_code, debit, credit)
  SELECT account_id, coalesce(campaign_id, '00000000-0000-0000-0000-000000000000'),
         pg_backend_pid() % 16, unit_id, chart_code,
         coalesce(sum(amount) FILTER (WHERE side = 'debit'), 0),
         coalesce(sum(amount) FILTER (WHERE side = 'credit'), 0)
    FROM new_postings
   GROUP BY account_id, coalesce(campaign_id, '00000000-0000-0000-0000-000000000000'), unit_id, chart_code
   ORDER BY 1, 2
  ON CONFLICT (account_id, campaign_id, bucket) DO UPDATE
     SET debit = b.debit + excluded.debit, credit = b.credit + excluded.credit;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER postings_apply AFTER INSERT ON postings
  REFERENCING NEW TABLE AS new_postings
  FOR EACH STATEMENT EXECUTE FUNCTION postings_apply();
