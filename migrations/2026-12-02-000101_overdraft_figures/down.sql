-- The checks as 2026-11-27-000003_spending left them: no figures in the refusal.

CREATE OR REPLACE FUNCTION reservations_check() RETURNS trigger AS $$
BEGIN
  IF fund_available(NEW.unit_id, NEW.pool, NEW.campaign_id) < 0 THEN
    RAISE EXCEPTION 'unit % cannot reserve % from %', NEW.unit_id, NEW.amount, NEW.pool
      USING ERRCODE = 'check_violation', CONSTRAINT = 'no_overdraft';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql VOLATILE;

CREATE OR REPLACE FUNCTION postings_check() RETURNS trigger AS $$
DECLARE
  code text := NEW.chart_code;
  diff numeric;
BEGIN
  SELECT coalesce(sum(CASE side WHEN 'debit' THEN amount ELSE -amount END), 0) INTO diff
    FROM postings WHERE entry_id = NEW.entry_id;
  IF diff <> 0 THEN
    RAISE EXCEPTION 'journal entry % does not balance (debits - credits = %)', NEW.entry_id, diff
      USING ERRCODE = 'check_violation', CONSTRAINT = 'entry_balanced';
  END IF;
  IF NEW.side = 'credit' AND is_guarded_asset(code) THEN
    IF (SELECT sum(debit - credit) FROM balance_buckets WHERE account_id = NEW.account_id) < 0 THEN
      RAISE EXCEPTION 'account % would be overdrawn', NEW.account_id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'no_overdraft';
    END IF;
    -- restricted money of a campaign, or the unrestricted money, of this pool
    IF fund_available(NEW.unit_id, CASE WHEN code = '1551' THEN 'goods' ELSE 'money' END,
                      coalesce(NEW.campaign_id, '00000000-0000-0000-0000-000000000000')) < 0 THEN
      RAISE EXCEPTION 'unit % would spend money it does not have or has reserved', NEW.unit_id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'no_overdraft';
    END IF;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
