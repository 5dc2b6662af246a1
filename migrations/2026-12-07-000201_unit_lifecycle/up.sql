-- The reform of 1 July 2025 (reform.md): units end. A unit is `active`, `dissolving` (it ended in
-- the real world on `dissolving_from`, its handover not yet executed) or `dissolved` (handed
-- over; `dissolved_on` is its last day). Successions say who took over whom; a unit's former
-- names stay readable.

ALTER TABLE units
  ADD COLUMN status text NOT NULL DEFAULT 'active',
  -- the first day the unit no longer exists (its succession's effective_on)
  ADD COLUMN dissolving_from date,
  ADD COLUMN dissolved_on date,
  ADD CONSTRAINT units_status_known CHECK (status IN ('active', 'dissolving', 'dissolved')),
  ADD CONSTRAINT units_end_dated CHECK ((status = 'active') = (dissolving_from IS NULL)),
  ADD CONSTRAINT units_dissolved_on CHECK (
    (status = 'dissolved') = (dissolved_on IS NOT NULL)
    AND (dissolved_on IS NULL OR dissolved_on = dissolving_from - 1));
CREATE INDEX units_status_idx ON units (status) WHERE status <> 'active';

-- A unit's life only moves forward: active → dissolving → dissolved; a dissolved unit is never
-- moved, renamed or revived (its records stay as they were at its end).
CREATE FUNCTION units_lifecycle() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'dissolved' AND (NEW.status, NEW.parent_id, NEW.code, NEW.name, NEW.full_name)
       IS DISTINCT FROM (OLD.status, OLD.parent_id, OLD.code, OLD.name, OLD.full_name) THEN
    RAISE EXCEPTION 'unit % has been dissolved', OLD.code
      USING ERRCODE = 'check_violation', CONSTRAINT = 'unit_dissolved';
  END IF;
  IF OLD.status = 'dissolving' AND NEW.status = 'active' THEN
    RAISE EXCEPTION 'unit % is dissolving, and a unit''s life does not go back', OLD.code
      USING ERRCODE = 'check_violation', CONSTRAINT = 'unit_lifecycle_forward';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER units_lifecycle BEFORE UPDATE ON units
  FOR EACH ROW EXECUTE FUNCTION units_lifecycle();

-- ---------------------------------------------------------------- successions

-- Who took over whom (../data/vn-unit-successions-2025-07.csv). A predecessor equal to its
-- successor is the continuing unit. Recorded once and never rewritten: a correction is a new
-- decision, not an edit.
CREATE TABLE unit_successions (
  predecessor_id uuid NOT NULL REFERENCES units (id),
  successor_id   uuid NOT NULL REFERENCES units (id),
  share          text NOT NULL CHECK (share IN ('whole', 'part')),
  effective_on   date NOT NULL,
  recorded_by    uuid REFERENCES users (id),
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (predecessor_id, successor_id)
);
CREATE INDEX unit_successions_successor_idx ON unit_successions (successor_id);

CREATE TRIGGER unit_successions_append_only BEFORE UPDATE OR DELETE ON unit_successions
  FOR EACH ROW EXECUTE FUNCTION reject_change();

-- ---------------------------------------------------------------- names through time

-- A unit's former names (and the parent it had under them): a renamed unit, or a reused code,
-- keeps what its receipts and reports were issued under. `valid_until` is the former name's
-- last day, known once the unit's continuing succession is recorded.
CREATE TABLE unit_names (
  unit_id     uuid NOT NULL REFERENCES units (id),
  name        text NOT NULL,
  full_name   text NOT NULL,
  parent_id   uuid REFERENCES units (id),
  valid_until date,
  replaced_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (unit_id, replaced_at)
);

CREATE FUNCTION units_remember_name() RETURNS trigger AS $$
BEGIN
  INSERT INTO unit_names (unit_id, name, full_name, parent_id, valid_until)
  VALUES (OLD.id, OLD.name, OLD.full_name, OLD.parent_id,
          (SELECT effective_on - 1 FROM unit_successions
            WHERE predecessor_id = OLD.id AND successor_id = OLD.id));
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER units_remember_name AFTER UPDATE OF name, full_name, parent_id ON units
  FOR EACH ROW
  WHEN ((OLD.name, OLD.full_name, OLD.parent_id) IS DISTINCT FROM (NEW.name, NEW.full_name, NEW.parent_id))
  EXECUTE FUNCTION units_remember_name();

-- A continuing unit's succession dates the names it had before.
CREATE FUNCTION unit_successions_date_names() RETURNS trigger AS $$
BEGIN
  IF NEW.predecessor_id = NEW.successor_id THEN
    UPDATE unit_names SET valid_until = NEW.effective_on - 1
     WHERE unit_id = NEW.predecessor_id AND valid_until IS NULL;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER unit_successions_date_names AFTER INSERT ON unit_successions
  FOR EACH ROW EXECUTE FUNCTION unit_successions_date_names();

-- ---------------------------------------------------------------- no writes into ended units

-- The refusal every guard below shares: a dissolved unit takes nothing; a dissolving one takes
-- nothing dated on or after its end (`on_date` null: the guard has no date to weigh). A unit
-- that is not active is read again under a share lock, so a write racing the handover that
-- dissolves it (which holds the unit's row) waits for it and then sees the unit dissolved;
-- active units, all of everyday traffic, take no lock.
CREATE FUNCTION unit_refuse_ended(unit uuid, on_date date) RETURNS void AS $$
DECLARE
  u units%ROWTYPE;
BEGIN
  SELECT * INTO u FROM units WHERE id = unit;
  IF u.status <> 'active' THEN
    SELECT * INTO u FROM units WHERE id = unit FOR SHARE;
  END IF;
  IF u.status = 'dissolved'
     OR (u.status = 'dissolving' AND on_date IS NOT NULL AND on_date >= u.dissolving_from) THEN
    RAISE EXCEPTION 'unit % has ended', u.code
      USING ERRCODE = 'check_violation', CONSTRAINT = 'unit_dissolved';
  END IF;
END;
$$ LANGUAGE plpgsql;

-- Postings: nothing posts into a dissolved fund (the handover's own entries are written before
-- the unit is marked dissolved, in the same transaction).
CREATE FUNCTION journal_entries_refuse_dissolved() RETURNS trigger AS $$
BEGIN
  PERFORM unit_refuse_ended(NEW.unit_id, NULL);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER journal_entries_refuse_dissolved BEFORE INSERT ON journal_entries
  FOR EACH ROW EXECUTE FUNCTION journal_entries_refuse_dissolved();

-- Donations received on or after the end; campaigns starting on or after it.
CREATE FUNCTION donations_refuse_ended() RETURNS trigger AS $$
BEGIN
  PERFORM unit_refuse_ended(NEW.unit_id, NEW.received_on);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER donations_refuse_ended BEFORE INSERT ON donations
  FOR EACH ROW EXECUTE FUNCTION donations_refuse_ended();

CREATE FUNCTION campaigns_refuse_ended() RETURNS trigger AS $$
BEGIN
  PERFORM unit_refuse_ended(NEW.unit_id, NEW.starts_on);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER campaigns_refuse_ended BEFORE INSERT ON campaigns
  FOR EACH ROW EXECUTE FUNCTION campaigns_refuse_ended();

-- New rows of a unit's own (households, proposals, bank accounts, children): never into a
-- dissolved unit. Whether a dissolving unit may still take them depends on the local date,
-- which the application's clock decides.
CREATE FUNCTION rows_refuse_dissolved() RETURNS trigger AS $$
BEGIN
  PERFORM unit_refuse_ended(NEW.unit_id, NULL);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER households_refuse_dissolved BEFORE INSERT ON households
  FOR EACH ROW EXECUTE FUNCTION rows_refuse_dissolved();
CREATE TRIGGER disbursements_refuse_dissolved BEFORE INSERT ON disbursements
  FOR EACH ROW EXECUTE FUNCTION rows_refuse_dissolved();
CREATE TRIGGER tet_batches_refuse_dissolved BEFORE INSERT ON tet_batches
  FOR EACH ROW EXECUTE FUNCTION rows_refuse_dissolved();
CREATE TRIGGER bank_accounts_refuse_dissolved BEFORE INSERT ON bank_accounts
  FOR EACH ROW EXECUTE FUNCTION rows_refuse_dissolved();

CREATE FUNCTION houses_refuse_dissolved() RETURNS trigger AS $$
BEGIN
  PERFORM unit_refuse_ended(NEW.funding_unit_id, NULL);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER houses_refuse_dissolved BEFORE INSERT ON houses
  FOR EACH ROW EXECUTE FUNCTION houses_refuse_dissolved();

CREATE FUNCTION transfers_refuse_dissolved() RETURNS trigger AS $$
BEGIN
  PERFORM unit_refuse_ended(NEW.from_unit_id, NULL);
  PERFORM unit_refuse_ended(NEW.to_unit_id, NULL);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER transfers_refuse_dissolved BEFORE INSERT ON transfers
  FOR EACH ROW EXECUTE FUNCTION transfers_refuse_dissolved();

CREATE FUNCTION units_refuse_dissolved_parent() RETURNS trigger AS $$
BEGIN
  IF NEW.parent_id IS NOT NULL THEN
    PERFORM unit_refuse_ended(NEW.parent_id, NULL);
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER units_refuse_dissolved_parent BEFORE INSERT OR UPDATE OF parent_id ON units
  FOR EACH ROW EXECUTE FUNCTION units_refuse_dissolved_parent();

-- ---------------------------------------------------------------- month close

-- A parent closes a month with every child that was active in it closed: a dissolved child does
-- not hold back any month after its last day.
CREATE OR REPLACE FUNCTION periods_guard() RETURNS trigger AS $$
DECLARE
  k int[] := period_lock_key(NEW.unit_id, NEW.month);
BEGIN
  -- all period changes of one month queue here, so a child cannot re-open while its parent closes
  PERFORM pg_advisory_xact_lock(hashtext('periods'), (extract(year FROM NEW.month) * 100 + extract(month FROM NEW.month))::int);
  IF NEW.state = 'closed' THEN
    PERFORM pg_advisory_xact_lock(k[1], k[2]);
    IF EXISTS (SELECT 1 FROM units c
                WHERE c.parent_id = NEW.unit_id
                  AND (c.dissolved_on IS NULL OR c.dissolved_on >= NEW.month)
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
