DROP TABLE transfers;
DROP FUNCTION transfers_check_units();
DROP TABLE tet_batch_recipients;
DROP FUNCTION tet_batch_recipients_guard();
DROP TABLE tet_batches;
DROP TABLE disbursements;

-- postings_check as the ledger migration left it: no reservations
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
  IF NEW.side = 'credit' THEN
    IF is_guarded_asset(code) THEN
      IF (SELECT sum(debit - credit) FROM balance_buckets WHERE account_id = NEW.account_id) < 0 THEN
        RAISE EXCEPTION 'account % would be overdrawn', NEW.account_id
          USING ERRCODE = 'check_violation', CONSTRAINT = 'no_overdraft';
      END IF;
      IF NEW.campaign_id IS NOT NULL THEN
        IF (SELECT sum(debit - credit) FROM balance_buckets
             WHERE unit_id = NEW.unit_id AND campaign_id = NEW.campaign_id
               AND is_guarded_asset(chart_code)) < 0 THEN
          RAISE EXCEPTION 'restricted balance of campaign % would go below zero', NEW.campaign_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'no_overdraft';
        END IF;
      ELSIF code IN ('1111', '1121') THEN
        IF (SELECT sum(debit - credit) FROM balance_buckets
             WHERE unit_id = NEW.unit_id AND chart_code IN ('1111', '1121')
               AND campaign_id = '00000000-0000-0000-0000-000000000000') < 0 THEN
          RAISE EXCEPTION 'unrestricted money of unit % would go below zero', NEW.unit_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'no_overdraft';
        END IF;
      END IF;
    END IF;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TABLE reservations;
DROP FUNCTION reservations_check();
DROP FUNCTION reservations_guard();
DROP FUNCTION fund_available(uuid, text, uuid);
DROP FUNCTION pool_codes(text);
DROP FUNCTION spending_guard();
DROP TABLE spending_transitions;
DROP TABLE households;
DROP FUNCTION households_check_unit();
