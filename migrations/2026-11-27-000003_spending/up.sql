-- Spending: the household registry, reservations, grants (disbursements), Tết gift batches and
-- transfers between tiers. The rules that must survive a bug or hand-written SQL live here:
-- one registration per national ID, four-eyes approval, only allowed state transitions, one
-- Tết gift per household per campaign, and approvals that never reserve more than the fund has.

-- ---------------------------------------------------------------- households

CREATE TABLE households (
  id                uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
  unit_id           uuid NOT NULL REFERENCES units (id),
  head_name         text NOT NULL CHECK (length(head_name) BETWEEN 1 AND 200),
  -- head name and village folded to ASCII lower case: search without diacritics, duplicate hints
  name_key          text NOT NULL,
  village           text NOT NULL CHECK (length(village) BETWEEN 1 AND 200),
  village_key       text NOT NULL,
  -- the CCCD itself is never stored: a keyed HMAC-SHA-256 and its last four digits
  national_id_hmac  bytea NOT NULL CHECK (length(national_id_hmac) = 32),
  national_id_last4 text NOT NULL CHECK (national_id_last4 ~ '^[0-9]{4}$'),
  address           text NOT NULL CHECK (length(address) BETWEEN 1 AND 500),
  members           int NOT NULL CHECK (members BETWEEN 1 AND 100),
  status            text NOT NULL CHECK (status IN ('poor', 'near_poor', 'hardship', 'merit')),
  status_year       int NOT NULL CHECK (status_year BETWEEN 2000 AND 2100),
  poverty_cert_no   text CHECK (length(poverty_cert_no) <= 100),
  ethnicity         text CHECK (length(ethnicity) <= 100),
  phone             text CHECK (length(phone) <= 30),
  created_by        uuid REFERENCES users (id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT households_national_id_key UNIQUE (national_id_hmac)
);
CREATE INDEX households_unit_idx ON households (unit_id, id);
CREATE INDEX households_name_key_idx ON households USING gin (name_key gin_trgm_ops);
CREATE INDEX households_duplicate_hint_idx ON households (unit_id, village_key, name_key);

-- Households live in the lowest tier of a branch: a commune.
CREATE FUNCTION households_check_unit() RETURNS trigger AS $$
BEGIN
  IF (SELECT tier FROM units WHERE id = NEW.unit_id) IS DISTINCT FROM 'commune' THEN
    RAISE EXCEPTION 'households belong to a commune'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'household_in_commune';
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER households_check_unit BEFORE INSERT OR UPDATE OF unit_id ON households
  FOR EACH ROW EXECUTE FUNCTION households_check_unit();
CREATE TRIGGER households_no_delete BEFORE DELETE ON households
  FOR EACH ROW EXECUTE FUNCTION reject_change();

-- ---------------------------------------------------------------- state machines

-- The allowed status changes of every kind of spending. A trigger refuses any other change, so
-- a paid grant cannot be "re-approved" by a bug or by hand.
CREATE TABLE spending_transitions (
  kind       text NOT NULL,
  from_state text NOT NULL,
  to_state   text NOT NULL,
  PRIMARY KEY (kind, from_state, to_state)
);

INSERT INTO spending_transitions (kind, from_state, to_state) VALUES
  ('disbursements', 'submitted', 'approved'),
  ('disbursements', 'submitted', 'rejected'),
  ('disbursements', 'submitted', 'cancelled'),
  ('disbursements', 'approved', 'paid'),
  ('disbursements', 'approved', 'cancelled'),
  ('tet_batches', 'submitted', 'approved'),
  ('tet_batches', 'submitted', 'rejected'),
  ('tet_batches', 'submitted', 'cancelled'),
  ('tet_batches', 'approved', 'paid'),
  ('tet_batches', 'approved', 'cancelled'),
  ('tet_batches', 'paid', 'closed'),
  ('transfers', 'submitted', 'approved'),
  ('transfers', 'submitted', 'rejected'),
  ('transfers', 'submitted', 'cancelled'),
  ('transfers', 'approved', 'sent'),
  ('transfers', 'approved', 'cancelled'),
  ('transfers', 'sent', 'received');

CREATE FUNCTION spending_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION '% are never deleted', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
  END IF;
  IF NEW.status IS DISTINCT FROM OLD.status
     AND NOT EXISTS (SELECT 1 FROM spending_transitions
                      WHERE kind = TG_TABLE_NAME AND from_state = OLD.status AND to_state = NEW.status) THEN
    RAISE EXCEPTION '% cannot go from % to %', TG_TABLE_NAME, OLD.status, NEW.status
      USING ERRCODE = 'check_violation', CONSTRAINT = 'spending_transition';
  END IF;
  IF NEW.submitted_by IS DISTINCT FROM OLD.submitted_by OR NEW.amount IS DISTINCT FROM OLD.amount THEN
    RAISE EXCEPTION 'the submission of % % cannot change', TG_TABLE_NAME, OLD.id
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- ---------------------------------------------------------------- reservations

-- Approval reserves; payment uses; rejection, cancellation, settlement or hand-over release
-- what is left. Outstanding = amount − used while not released. `available` of a pool (money:
-- 1111 + 1121.N; goods: 1551) per earmark = balance − outstanding reservations, never < 0.
CREATE TABLE reservations (
  id          uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
  unit_id     uuid NOT NULL REFERENCES funds (unit_id),
  -- the earmark; the nil UUID is unrestricted money, as in balance_buckets
  campaign_id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
  pool        text NOT NULL CHECK (pool IN ('money', 'goods')),
  source_type text NOT NULL CHECK (source_type IN ('disbursement', 'tet_batch', 'transfer', 'house')),
  source_id   uuid NOT NULL,
  amount      numeric(20, 0) NOT NULL CHECK (amount > 0 AND amount <= 1000000000000000),
  used        numeric(20, 0) NOT NULL DEFAULT 0,
  released_at timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT reservations_used_within CHECK (used >= 0 AND used <= amount),
  UNIQUE (source_type, source_id, pool)
);
CREATE INDEX reservations_outstanding_idx ON reservations (unit_id, pool, campaign_id)
  WHERE released_at IS NULL;

CREATE FUNCTION pool_codes(pool text) RETURNS text[] AS $$
  SELECT CASE pool WHEN 'money' THEN ARRAY['1111', '1121'] ELSE ARRAY['1551'] END;
$$ LANGUAGE sql IMMUTABLE STRICT;

-- What a fund can still commit from one pool and earmark: balance − outstanding reservations.
CREATE FUNCTION fund_available(unit uuid, pool text, earmark uuid) RETURNS numeric AS $$
  SELECT coalesce((SELECT sum(debit - credit) FROM balance_buckets
                    WHERE unit_id = unit AND campaign_id = earmark
                      AND chart_code = ANY (pool_codes(pool))), 0)
       - coalesce((SELECT sum(r.amount - r.used) FROM reservations r
                    WHERE r.unit_id = unit AND r.pool = fund_available.pool
                      AND r.campaign_id = earmark AND r.released_at IS NULL), 0);
$$ LANGUAGE sql STABLE;

-- A reservation that grows takes the fund's spend lock (the one money leaving the fund takes),
-- then checks with a fresh snapshot that it fits: concurrent approvals queue here and the
-- loser sees the winner's reservation.
CREATE FUNCTION reservations_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'reservations are never deleted' USING ERRCODE = 'restrict_violation';
  END IF;
  IF TG_OP = 'UPDATE' THEN
    IF (NEW.unit_id, NEW.campaign_id, NEW.pool, NEW.source_type, NEW.source_id, NEW.amount)
       IS DISTINCT FROM (OLD.unit_id, OLD.campaign_id, OLD.pool, OLD.source_type, OLD.source_id, OLD.amount)
       OR NEW.used < OLD.used
       OR (OLD.released_at IS NOT NULL AND (NEW.released_at IS DISTINCT FROM OLD.released_at OR NEW.used <> OLD.used)) THEN
      RAISE EXCEPTION 'a reservation only gets used or released' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('spend:' || NEW.unit_id::text), 0);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER reservations_guard BEFORE INSERT OR UPDATE OR DELETE ON reservations
  FOR EACH ROW EXECUTE FUNCTION reservations_guard();

CREATE FUNCTION reservations_check() RETURNS trigger AS $$
BEGIN
  IF fund_available(NEW.unit_id, NEW.pool, NEW.campaign_id) < 0 THEN
    RAISE EXCEPTION 'unit % cannot reserve % from %', NEW.unit_id, NEW.amount, NEW.pool
      USING ERRCODE = 'check_violation', CONSTRAINT = 'no_overdraft';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql VOLATILE;

CREATE TRIGGER reservations_check AFTER INSERT ON reservations
  FOR EACH ROW EXECUTE FUNCTION reservations_check();

-- Money leaving a guarded account may not eat what approvals reserved: at commit, each pool
-- and earmark touched keeps balance ≥ outstanding reservations (payments use their reservation
-- in the same transaction, so paying what was approved always fits).
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

-- ---------------------------------------------------------------- grants

CREATE TABLE disbursements (
  id               uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
  unit_id          uuid NOT NULL REFERENCES funds (unit_id),
  category         text NOT NULL CHECK (category IN ('medical', 'education', 'livelihood',
                     'emergency_relief', 'community_works', 'other')),
  household_id     uuid REFERENCES households (id),
  campaign_id      uuid REFERENCES campaigns (id),
  -- the campaign when it is restricted: the money this grant may use
  earmark_id       uuid REFERENCES campaigns (id),
  amount           numeric(20, 0) NOT NULL CHECK (amount > 0 AND amount <= 1000000000000000),
  method           text NOT NULL CHECK (method IN ('cash', 'bank', 'in_kind')),
  bank_account_id  uuid REFERENCES bank_accounts (id),
  description      text NOT NULL CHECK (length(description) BETWEEN 1 AND 1000),
  status           text NOT NULL DEFAULT 'submitted'
                     CHECK (status IN ('submitted', 'approved', 'rejected', 'cancelled', 'paid')),
  submitted_by     uuid NOT NULL REFERENCES users (id),
  submitted_at     timestamptz NOT NULL DEFAULT now(),
  decided_by       uuid REFERENCES users (id),
  decided_at       timestamptz,
  decision_reason  text CHECK (length(decision_reason) <= 1000),
  paid_by          uuid REFERENCES users (id),
  paid_at          timestamptz,
  paid_on          date,
  journal_entry_id uuid REFERENCES journal_entries (id),
  CHECK ((method = 'bank') = (bank_account_id IS NOT NULL)),
  CHECK (earmark_id IS NULL OR earmark_id = campaign_id),
  CHECK ((status = 'paid') = (journal_entry_id IS NOT NULL)),
  -- four eyes: whoever approves, rejects or cancels is not the submitter
  CONSTRAINT disbursements_four_eyes CHECK (decided_by IS DISTINCT FROM submitted_by)
);
CREATE INDEX disbursements_unit_idx ON disbursements (unit_id, id);
CREATE INDEX disbursements_household_idx ON disbursements (household_id) WHERE household_id IS NOT NULL;
CREATE INDEX disbursements_campaign_idx ON disbursements (campaign_id) WHERE campaign_id IS NOT NULL;

CREATE TRIGGER disbursements_guard BEFORE UPDATE OR DELETE ON disbursements
  FOR EACH ROW EXECUTE FUNCTION spending_guard();

-- ---------------------------------------------------------------- Tết gift batches

CREATE TABLE tet_batches (
  id                    uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
  unit_id               uuid NOT NULL REFERENCES funds (unit_id),
  campaign_id           uuid NOT NULL REFERENCES campaigns (id),
  earmark_id            uuid REFERENCES campaigns (id),
  -- the gift each household gets
  cash_amount           numeric(20, 0) NOT NULL CHECK (cash_amount >= 0),
  in_kind_description   text CHECK (length(in_kind_description) BETWEEN 1 AND 500),
  in_kind_value         numeric(20, 0) NOT NULL DEFAULT 0 CHECK (in_kind_value >= 0),
  -- how the cash part is paid out
  method                text NOT NULL CHECK (method IN ('cash', 'bank', 'in_kind')),
  bank_account_id       uuid REFERENCES bank_accounts (id),
  household_count       int NOT NULL CHECK (household_count BETWEEN 1 AND 20000),
  -- the batch total: household_count × (cash_amount + in_kind_value)
  amount                numeric(20, 0) NOT NULL CHECK (amount > 0 AND amount <= 1000000000000000),
  status                text NOT NULL DEFAULT 'submitted'
                          CHECK (status IN ('submitted', 'approved', 'rejected', 'cancelled', 'paid', 'closed')),
  submitted_by          uuid NOT NULL REFERENCES users (id),
  submitted_at          timestamptz NOT NULL DEFAULT now(),
  decided_by            uuid REFERENCES users (id),
  decided_at            timestamptz,
  decision_reason       text CHECK (length(decision_reason) <= 1000),
  disbursed_by          uuid REFERENCES users (id),
  disbursed_at          timestamptz,
  disbursed_on          date,
  journal_entry_id      uuid REFERENCES journal_entries (id),
  closed_by             uuid REFERENCES users (id),
  closed_at             timestamptz,
  closed_on             date,
  settlement_entry_id   uuid REFERENCES journal_entries (id),
  CHECK (cash_amount > 0 OR in_kind_value > 0),
  CHECK ((in_kind_value > 0) = (in_kind_description IS NOT NULL)),
  CHECK ((method = 'bank') = (bank_account_id IS NOT NULL)),
  CHECK (method <> 'in_kind' OR cash_amount = 0),
  CHECK (amount = household_count * (cash_amount + in_kind_value)),
  CHECK (earmark_id IS NULL OR earmark_id = campaign_id),
  CHECK ((status IN ('paid', 'closed')) = (journal_entry_id IS NOT NULL)),
  CONSTRAINT tet_batches_four_eyes CHECK (decided_by IS DISTINCT FROM submitted_by)
);
CREATE INDEX tet_batches_unit_idx ON tet_batches (unit_id, id);
CREATE INDEX tet_batches_campaign_idx ON tet_batches (campaign_id);

CREATE TRIGGER tet_batches_guard BEFORE UPDATE OR DELETE ON tet_batches
  FOR EACH ROW EXECUTE FUNCTION spending_guard();

CREATE TABLE tet_batch_recipients (
  batch_id        uuid NOT NULL REFERENCES tet_batches (id),
  household_id    uuid NOT NULL REFERENCES households (id),
  -- copied from the batch so "one gift per household per campaign" is one unique index
  campaign_id     uuid NOT NULL REFERENCES campaigns (id),
  position        int NOT NULL,
  -- pending → delivered, or returned at close; withdrawn when the batch is rejected/cancelled
  status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'delivered', 'returned', 'withdrawn')),
  delivered_on    date,
  ack_method      text CHECK (ack_method IN ('signature', 'thumbprint', 'photo', 'witness')),
  evidence_sha256 text CHECK (evidence_sha256 ~ '^[0-9a-f]{64}$'),
  witness_name    text CHECK (length(witness_name) BETWEEN 1 AND 200),
  delivered_by    uuid REFERENCES users (id),
  delivered_at    timestamptz,
  PRIMARY KEY (batch_id, household_id),
  UNIQUE (batch_id, position),
  CHECK ((status = 'delivered') = (delivered_on IS NOT NULL AND ack_method IS NOT NULL)),
  CHECK (ack_method <> 'witness' OR witness_name IS NOT NULL)
);
CREATE UNIQUE INDEX tet_gift_once_per_campaign ON tet_batch_recipients (campaign_id, household_id)
  WHERE status IN ('pending', 'delivered');
CREATE INDEX tet_batch_recipients_household_idx ON tet_batch_recipients (household_id);

-- A delivery is final: a recipient moves pending → delivered | returned | withdrawn, once.
CREATE FUNCTION tet_batch_recipients_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'gift recipients are never deleted' USING ERRCODE = 'restrict_violation';
  END IF;
  IF OLD.status <> 'pending' OR (NEW.batch_id, NEW.household_id, NEW.campaign_id, NEW.position)
       IS DISTINCT FROM (OLD.batch_id, OLD.household_id, OLD.campaign_id, OLD.position) THEN
    RAISE EXCEPTION 'a gift recipient changes once, from pending' USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER tet_batch_recipients_guard BEFORE UPDATE OR DELETE ON tet_batch_recipients
  FOR EACH ROW EXECUTE FUNCTION tet_batch_recipients_guard();

-- ---------------------------------------------------------------- transfers between tiers

CREATE TABLE transfers (
  id                      uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
  from_unit_id            uuid NOT NULL REFERENCES funds (unit_id),
  to_unit_id              uuid NOT NULL REFERENCES funds (unit_id),
  -- allocation: down to a descendant; remittance: up to an ancestor
  direction               text NOT NULL CHECK (direction IN ('allocation', 'remittance')),
  amount                  numeric(20, 0) NOT NULL CHECK (amount > 0 AND amount <= 1000000000000000),
  campaign_id             uuid REFERENCES campaigns (id),
  purpose                 text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 500),
  decision_no             text CHECK (length(decision_no) BETWEEN 1 AND 100),
  -- the transfers one weighted allocation created share this id
  allocation_id           uuid,
  status                  text NOT NULL DEFAULT 'submitted'
                            CHECK (status IN ('submitted', 'approved', 'rejected', 'cancelled', 'sent', 'received')),
  submitted_by            uuid NOT NULL REFERENCES users (id),
  submitted_at            timestamptz NOT NULL DEFAULT now(),
  decided_by              uuid REFERENCES users (id),
  decided_at              timestamptz,
  decision_reason         text CHECK (length(decision_reason) <= 1000),
  sent_by                 uuid REFERENCES users (id),
  sent_at                 timestamptz,
  sent_on                 date,
  send_bank_account_id    uuid REFERENCES bank_accounts (id),
  send_entry_id           uuid REFERENCES journal_entries (id),
  received_by             uuid REFERENCES users (id),
  received_at             timestamptz,
  received_on             date,
  receive_bank_account_id uuid REFERENCES bank_accounts (id),
  receive_entry_id        uuid REFERENCES journal_entries (id),
  CHECK (from_unit_id <> to_unit_id),
  CHECK ((status IN ('sent', 'received')) = (send_entry_id IS NOT NULL)),
  CHECK ((status = 'received') = (receive_entry_id IS NOT NULL)),
  CHECK (received_on IS NULL OR received_on >= sent_on),
  CONSTRAINT transfers_four_eyes CHECK (decided_by IS DISTINCT FROM submitted_by)
);
CREATE INDEX transfers_from_idx ON transfers (from_unit_id, id);
CREATE INDEX transfers_to_idx ON transfers (to_unit_id, id);
CREATE INDEX transfers_in_transit_idx ON transfers (status) WHERE status = 'sent';

-- The two units are ancestor and descendant, and the direction says which is which.
CREATE FUNCTION transfers_check_units() RETURNS trigger AS $$
DECLARE
  down boolean := EXISTS (SELECT 1 FROM units WHERE id = NEW.to_unit_id AND NEW.from_unit_id = ANY (ancestry));
  up   boolean := EXISTS (SELECT 1 FROM units WHERE id = NEW.from_unit_id AND NEW.to_unit_id = ANY (ancestry));
BEGIN
  IF NOT ((NEW.direction = 'allocation' AND down) OR (NEW.direction = 'remittance' AND up)) THEN
    RAISE EXCEPTION 'transfers go between an ancestor and a descendant'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'transfer_units_related';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER transfers_check_units BEFORE INSERT ON transfers
  FOR EACH ROW EXECUTE FUNCTION transfers_check_units();
CREATE TRIGGER transfers_guard BEFORE UPDATE OR DELETE ON transfers
  FOR EACH ROW EXECUTE FUNCTION spending_guard();
