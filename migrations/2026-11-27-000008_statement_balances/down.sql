DROP TRIGGER postings_apply ON postings;
DROP FUNCTION postings_apply();

CREATE FUNCTION postings_apply() RETURNS trigger AS $$
DECLARE
  code text := NEW.chart_code;
BEGIN
  IF NEW.side = 'credit' AND is_guarded_asset(code) THEN
    PERFORM pg_advisory_xact_lock(hashtext('spend:' || NEW.unit_id::text), 0);
  END IF;
  INSERT INTO balance_buckets AS b (account_id, campaign_id, bucket, unit_id, chart_code, debit, credit)
  VALUES (NEW.account_id, coalesce(NEW.campaign_id, '00000000-0000-0000-0000-000000000000'),
          pg_backend_pid() % 16, NEW.unit_id, code,
          CASE WHEN NEW.side = 'debit' THEN NEW.amount ELSE 0 END,
          CASE WHEN NEW.side = 'credit' THEN NEW.amount ELSE 0 END)
  ON CONFLICT (account_id, campaign_id, bucket) DO UPDATE
     SET debit = b.debit + excluded.debit, credit = b.credit + excluded.credit;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER postings_apply AFTER INSERT ON postings
  FOR EACH ROW EXECUTE FUNCTION postings_apply();
