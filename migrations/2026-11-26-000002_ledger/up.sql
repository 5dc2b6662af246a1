-- The fund ledger: bank accounts, campaigns, the journal with its four invariants held here in
-- PostgreSQL (balanced, append-only, closed months, no overdraft), sharded balances, periods,
-- receipts, donations, and idempotency keys.

-- Audit rows get their unit's ancestry here, in the same statement, so scope filters need no join.
CREATE FUNCTION audit_events_fill_ancestry() RETURNS trigger AS $$
BEGIN
  IF NEW.unit_id IS NOT NULL AND NEW.unit_ancestry = '{}' THEN
    SELECT ancestry INTO NEW.unit_ancestry FROM units WHERE id = NEW.unit_id;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_events_fill_ancestry BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_fill_ancestry();

-- ---------------------------------------------------------------- bank accounts and campaigns

CREATE TABLE bank_accounts (
  id             uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
  unit_id        uuid NOT NULL REFERENCES funds (unit_id),
  bank_bin       text NOT NULL CHECK (bank_bin ~ '^[0-9]{6}$'),
  bank_name      text NOT NULL CHECK (length(bank_name) BETWEEN 1 AND 200),
  account_number text NOT NULL CHECK (account_number ~ '^[0-9A-Z]{4,30}$'),
  account_name   text NOT NULL CHECK (length(account_name) BETWEEN 1 AND 200),
  currency       text NOT NULL DEFAULT 'VND',
  -- its ledger sub-account 1121.N
  account_id     uuid NOT NULL UNIQUE REFERENCES accounts (id),
  created_by     uuid REFERENCES users (id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bank_bin, account_number)
);
CREATE INDEX bank_accounts_unit_idx ON bank_accounts (unit_id);

CREATE TABLE campaigns (
  id          uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
  unit_id     uuid NOT NULL REFERENCES funds (unit_id),
  kind        text NOT NULL CHECK (kind IN ('general', 'peak_month', 'tet', 'disaster', 'housing')),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  starts_on   date NOT NULL,
  ends_on     date NOT NULL,
  restricted  boolean NOT NULL DEFAULT false,
  search_text text NOT NULL DEFAULT '',
  created_by  uuid REFERENCES users (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_on >= starts_on)
);
CREATE INDEX campaigns_unit_idx ON campaigns (unit_id);

-- ---------------------------------------------------------------- journal

CREATE TABLE journal_entries (
  id             uuid PRIMARY KEY,
  unit_id        uuid NOT NULL REFERENCES funds (unit_id),
  effective_date date NOT NULL,
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  source_type    text NOT NULL CHECK (source_type IN (
                   'donation', 'donation_void', 'disbursement', 'tet_batch', 'tet_settlement',
                   'transfer_send', 'transfer_receive', 'house_payment', 'bank_fee', 'bank_interest',
                   'manual', 'reversal')),
  source_id      uuid,
  description    text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
  reason         text CHECK (length(reason) <= 1000),
  -- a reversal points to what it reverses; UNIQUE: an entry is reversed at most once
  reverses_id    uuid UNIQUE REFERENCES journal_entries (id),
  created_by     uuid REFERENCES users (id),
  CHECK ((source_type IN ('reversal', 'donation_void')) = (reverses_id IS NOT NULL))
);
CREATE INDEX journal_entries_unit_date_idx ON journal_entries (unit_id, effective_date, id);
CREATE INDEX journal_entries_source_idx ON journal_entries (source_type, source_id);

CREATE TABLE postings (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  entry_id       uuid NOT NULL REFERENCES journal_entries (id),
  account_id     uuid NOT NULL REFERENCES accounts (id),
  side           text NOT NULL CHECK (side IN ('debit', 'credit')),
  amount         numeric(20, 0) NOT NULL CHECK (amount > 0 AND amount <= 1000000000000000),
  campaign_id    uuid REFERENCES campaigns (id),
  -- copied from the entry and the account by the trigger below, never trusted from the caller
  unit_id        uuid NOT NULL,
  effective_date date NOT NULL,
  chart_code     text NOT NULL DEFAULT ''
);
CREATE INDEX postings_entry_idx ON postings (entry_id);
CREATE INDEX postings_account_idx ON postings (account_id, effective_date, id);
CREATE INDEX postings_unit_date_idx ON postings (unit_id, effective_date);

-- Sharded running totals per (account, earmark): each connection adds to its own bucket, so
-- concurrent donations into one fund do not queue on one row; a balance is the sum of 16 rows.
CREATE TABLE balance_buckets (
  account_id  uuid NOT NULL REFERENCES accounts (id),
  -- the nil UUID stands for "no earmark" so the key can be unique
  campaign_id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
  bucket      smallint NOT NULL CHECK (bucket BETWEEN 0 AND 15),
  unit_id     uuid NOT NULL,
  chart_code  text NOT NULL,
  debit       numeric(24, 0) NOT NULL DEFAULT 0,
  credit      numeric(24, 0) NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, campaign_id, bucket)
);
CREATE INDEX balance_buckets_unit_idx ON balance_buckets (unit_id, chart_code, campaign_id);

-- Months that were ever closed; a month without a row is open.
CREATE TABLE periods (
  unit_id        uuid NOT NULL REFERENCES funds (unit_id),
  month          date NOT NULL CHECK (extract(day FROM month) = 1),
  state          text NOT NULL CHECK (state IN ('open', 'closed')),
  closed_at      timestamptz,
  closed_by      uuid REFERENCES users (id),
  closing_trial_balance jsonb,
  reopened_at    timestamptz,
  reopened_by    uuid REFERENCES users (id),
  reopen_reason  text,
  PRIMARY KEY (unit_id, month)
);

-- Lock keys. Postings take the (unit, month) key shared and closing takes it exclusive, so a
-- close waits for postings in flight and later postings see the closed month. Spending takes
-- the fund's spend key exclusive so overdraft checks see every earlier spend.
CREATE FUNCTION period_lock_key(unit uuid, d date) RETURNS int[] AS $$
  SELECT ARRAY[hashtext('period:' || unit::text), (extract(year FROM d) * 100 + extract(month FROM d))::int];
$$ LANGUAGE sql IMMUTABLE;

CREATE FUNCTION journal_entries_check_period() RETURNS trigger AS $$
DECLARE
  k int[] := period_lock_key(NEW.unit_id, NEW.effective_date);
BEGIN
  PERFORM pg_advisory_xact_lock_shared(k[1], k[2]);
  IF EXISTS (SELECT 1 FROM periods
              WHERE unit_id = NEW.unit_id
                AND month = date_trunc('month', NEW.effective_date)::date
                AND state = 'closed') THEN
    RAISE EXCEPTION 'period % of unit % is closed', to_char(NEW.effective_date, 'YYYY-MM'), NEW.unit_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'period_closed';
  END IF;
  NEW.recorded_at := now();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER journal_entries_check_period BEFORE INSERT ON journal_entries
  FOR EACH ROW EXECUTE FUNCTION journal_entries_check_period();

-- An entry has at least two postings (checked at commit).
CREATE FUNCTION journal_entries_check_postings() RETURNS trigger AS $$
BEGIN
  IF (SELECT count(*) FROM postings WHERE entry_id = NEW.id) < 2 THEN
    RAISE EXCEPTION 'journal entry % has fewer than two postings', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'entry_has_postings';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER journal_entries_check_postings AFTER INSERT ON journal_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_entries_check_postings();

CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON journal_entries
  FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON journal_entries
  FOR EACH STATEMENT EXECUTE FUNCTION reject_change();
CREATE TRIGGER postings_append_only BEFORE UPDATE OR DELETE ON postings
  FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER postings_no_truncate BEFORE TRUNCATE ON postings
  FOR EACH STATEMENT EXECUTE FUNCTION reject_change();

-- Accounts whose balance may never go below zero (ledger.md invariant 4).
CREATE FUNCTION is_guarded_asset(chart_code text) RETURNS boolean AS $$
  SELECT chart_code IN ('1111', '1121', '1551');
$$ LANGUAGE sql IMMUTABLE;

CREATE FUNCTION postings_place() RETURNS trigger AS $$
DECLARE
  e journal_entries%ROWTYPE;
  acct_unit uuid;
  acct_chart text;
  camp_unit uuid;
BEGIN
  SELECT * INTO e FROM journal_entries WHERE id = NEW.entry_id;
  SELECT unit_id, chart_code INTO acct_unit, acct_chart FROM accounts WHERE id = NEW.account_id;
  IF acct_unit IS DISTINCT FROM e.unit_id THEN
    RAISE EXCEPTION 'account % does not belong to the fund of entry %', NEW.account_id, NEW.entry_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'posting_account_in_fund';
  END IF;
  IF NEW.campaign_id IS NOT NULL THEN
    SELECT unit_id INTO camp_unit FROM campaigns WHERE id = NEW.campaign_id;
    -- an earmark is usable by the campaign's unit and every unit below it
    IF NOT EXISTS (SELECT 1 FROM units WHERE id = e.unit_id AND camp_unit = ANY (ancestry)) THEN
      RAISE EXCEPTION 'campaign % is not usable by unit %', NEW.campaign_id, e.unit_id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'posting_campaign_in_scope';
    END IF;
  END IF;
  NEW.unit_id := e.unit_id;
  NEW.effective_date := e.effective_date;
  NEW.chart_code := acct_chart;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER postings_place BEFORE INSERT ON postings
  FOR EACH ROW EXECUTE FUNCTION postings_place();

CREATE FUNCTION postings_apply() RETURNS trigger AS $$
DECLARE
  code text := NEW.chart_code;
BEGIN
  IF NEW.side = 'credit' AND is_guarded_asset(code) THEN
    -- money leaves a guarded account: serialise with every other spend of this fund
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

-- At commit: the entry balances, and no guarded balance went below zero.
CREATE FUNCTION postings_check() RETURNS trigger AS $$
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
        -- unrestricted spending may use only unrestricted money
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

CREATE CONSTRAINT TRIGGER postings_check AFTER INSERT ON postings
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION postings_check();

-- ---------------------------------------------------------------- periods

-- Closing waits for postings in flight (exclusive period lock), needs every child closed, and
-- re-opening is refused while the parent has the month closed (its reports must not change).
CREATE FUNCTION periods_guard() RETURNS trigger AS $$
DECLARE
  k int[] := period_lock_key(NEW.unit_id, NEW.month);
BEGIN
  -- all period changes of one month queue here, so a child cannot re-open while its parent closes
  PERFORM pg_advisory_xact_lock(hashtext('periods'), (extract(year FROM NEW.month) * 100 + extract(month FROM NEW.month))::int);
  IF NEW.state = 'closed' THEN
    PERFORM pg_advisory_xact_lock(k[1], k[2]);
    IF EXISTS (SELECT 1 FROM units c
                WHERE c.parent_id = NEW.unit_id
                  AND NOT EXISTS (SELECT 1 FROM periods p
                                   WHERE p.unit_id = c.id AND p.month = NEW.month AND p.state = 'closed')) THEN
      RAISE EXCEPTION 'children of unit % have not closed %', NEW.unit_id, NEW.month
        USING ERRCODE = 'check_violation', CONSTRAINT = 'children_open';
    END IF;
  ELSIF TG_OP = 'UPDATE' AND OLD.state = 'closed' THEN
    IF EXISTS (SELECT 1 FROM units u JOIN periods p ON p.unit_id = u.parent_id
                WHERE u.id = NEW.unit_id AND p.month = NEW.month AND p.state = 'closed') THEN
      RAISE EXCEPTION 'the parent of unit % has closed %', NEW.unit_id, NEW.month
        USING ERRCODE = 'check_violation', CONSTRAINT = 'parent_closed';
    END IF;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER periods_guard BEFORE INSERT OR UPDATE ON periods
  FOR EACH ROW EXECUTE FUNCTION periods_guard();
CREATE TRIGGER periods_no_delete BEFORE DELETE ON periods
  FOR EACH ROW EXECUTE FUNCTION reject_change();

-- ---------------------------------------------------------------- receipts and donations

-- The one shared row per unit and year that gapless numbering needs: taken last in the
-- donation's transaction so it is held as briefly as possible; a rollback returns the number.
CREATE TABLE receipt_counters (
  unit_id  uuid NOT NULL REFERENCES funds (unit_id),
  year     int NOT NULL,
  last_seq int NOT NULL CHECK (last_seq > 0),
  PRIMARY KEY (unit_id, year)
);

CREATE TABLE donations (
  id               uuid PRIMARY KEY,
  unit_id          uuid NOT NULL REFERENCES funds (unit_id),
  campaign_id      uuid REFERENCES campaigns (id),
  channel          text NOT NULL CHECK (channel IN ('cash', 'bank_transfer', 'in_kind')),
  amount           numeric(24, 4) NOT NULL CHECK (amount > 0),
  currency         text NOT NULL,
  fx_rate          numeric(24, 8) CHECK (fx_rate > 0),
  amount_vnd       numeric(20, 0) NOT NULL CHECK (amount_vnd > 0 AND amount_vnd <= 1000000000000000),
  received_on      date NOT NULL,
  donor_kind       text NOT NULL CHECK (donor_kind IN ('individual', 'organization', 'anonymous')),
  donor_name       text,
  donor_search     text NOT NULL DEFAULT '',
  donor_phone      text,
  donor_email      text,
  donor_address    text,
  donor_tax_code   text,
  public_display   text NOT NULL CHECK (public_display IN ('name', 'anonymous')),
  bank_account_id  uuid REFERENCES bank_accounts (id),
  bank_reference   text,
  in_kind_items    jsonb,
  note             text,
  receipt_year     int NOT NULL,
  receipt_seq      int NOT NULL,
  receipt_number   text NOT NULL UNIQUE,
  status           text NOT NULL DEFAULT 'recorded' CHECK (status IN ('recorded', 'void')),
  journal_entry_id uuid NOT NULL REFERENCES journal_entries (id),
  void_entry_id    uuid REFERENCES journal_entries (id),
  void_reason      text,
  voided_at        timestamptz,
  voided_by        uuid REFERENCES users (id),
  created_by       uuid REFERENCES users (id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (unit_id, receipt_year, receipt_seq),
  CHECK ((channel = 'bank_transfer') = (bank_account_id IS NOT NULL)),
  CHECK ((currency = 'VND') = (fx_rate IS NULL)),
  CHECK ((status = 'void') = (void_entry_id IS NOT NULL))
);
CREATE UNIQUE INDEX donations_bank_reference_key ON donations (bank_account_id, bank_reference)
  WHERE bank_reference IS NOT NULL;
CREATE INDEX donations_unit_idx ON donations (unit_id, received_on, id);
CREATE INDEX donations_campaign_idx ON donations (campaign_id, received_on, id);
CREATE INDEX donations_donor_search_idx ON donations USING gin (donor_search gin_trgm_ops);

-- A recorded donation may only become void, once; nothing else about it changes.
CREATE FUNCTION donations_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'donations are never deleted' USING ERRCODE = 'restrict_violation';
  END IF;
  IF OLD.status <> 'recorded' OR NEW.status <> 'void'
     OR (to_jsonb(NEW) - ARRAY['status', 'void_entry_id', 'void_reason', 'voided_at', 'voided_by'])
        IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['status', 'void_entry_id', 'void_reason', 'voided_at', 'voided_by']) THEN
    RAISE EXCEPTION 'a donation can only be voided, once' USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER donations_guard BEFORE UPDATE OR DELETE ON donations
  FOR EACH ROW EXECUTE FUNCTION donations_guard();

-- ---------------------------------------------------------------- idempotency

CREATE TABLE idempotency_keys (
  user_id         uuid NOT NULL REFERENCES users (id),
  key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash    bytea NOT NULL,
  state           text NOT NULL CHECK (state IN ('in_progress', 'done')),
  response_status int,
  response_body   jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  -- an in-progress claim older than this was abandoned (crash) and may be taken over
  locked_until    timestamptz NOT NULL,
  PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
