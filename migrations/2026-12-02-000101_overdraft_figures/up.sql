-- A refused overdraft says how much there was and how much was asked: the same checks as
-- before, now with DETAIL 'available=<đồng> asked=<đồng>' that the service turns into its
-- 409 insufficient_funds message. Nothing else about the rules changes.

CREATE OR REPLACE FUNCTION reservations_check() RETURNS trigger AS $$
DECLARE
  left_over numeric := fund_available(NEW.unit_id, NEW.pool, NEW.campaign_id);
BEGIN
  IF left_over < 0 THEN
    RAISE EXCEPTION 'unit % cannot reserve % from %', NEW.unit_id, NEW.amount, NEW.pool
      USING ERRCODE = 'check_violation', CONSTRAINT = 'no_overdraft',
            DETAIL = format('available=%s asked=%s', left_over + NEW.amount, NEW.amount);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql VOLATILE;

CREATE OR REPLACE FUNCTION postings_check() RETURNS trigger AS $$
DECLARE
  code text := NEW.chart_code;
  pool text := CASE WHEN NEW.chart_code = '1551' THEN 'goods' ELSE 'money' END;
  earmark uuid := coalesce(NEW.campaign_id, '00000000-0000-0000-0000-000000000000');
  diff numeric;
  left_over numeric;
  asked numeric;
BEGIN
  SELECT coalesce(sum(CASE side WHEN 'debit' THEN amount ELSE -amount END), 0) INTO diff
    FROM postings WHERE entry_id = NEW.entry_id;
  IF diff <> 0 THEN
    RAISE EXCEPTION 'journal entry % does not balance (debits - credits = %)', NEW.entry_id, diff
      USING ERRCODE = 'check_violation', CONSTRAINT = 'entry_balanced';
  END IF;
  IF NEW.side = 'credit' AND is_guarded_asset(code) THEN
    SELECT sum(debit - credit) INTO left_over FROM balance_buckets WHERE account_id = NEW.account_id;
    IF left_over < 0 THEN
      -- what this entry takes out of the account, net
      SELECT coalesce(sum(CASE side WHEN 'credit' THEN amount ELSE -amount END), 0) INTO asked
        FROM postings WHERE entry_id = NEW.entry_id AND account_id = NEW.account_id;
      RAISE EXCEPTION 'account % would be overdrawn', NEW.account_id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'no_overdraft',
              DETAIL = format('available=%s asked=%s', left_over + asked, asked);
    END IF;
    -- restricted money of a campaign, or the unrestricted money, of this pool
    left_over := fund_available(NEW.unit_id, pool, earmark);
    IF left_over < 0 THEN
      -- what this entry takes out of the pool and earmark, net
      SELECT coalesce(sum(CASE side WHEN 'credit' THEN amount ELSE -amount END), 0) INTO asked
        FROM postings
       WHERE entry_id = NEW.entry_id AND chart_code = ANY (pool_codes(pool))
         AND coalesce(campaign_id, '00000000-0000-0000-0000-000000000000') = earmark;
      RAISE EXCEPTION 'unit % would spend money it does not have or has reserved', NEW.unit_id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'no_overdraft',
              DETAIL = format('available=%s asked=%s', left_over + asked, asked);
    END IF;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
