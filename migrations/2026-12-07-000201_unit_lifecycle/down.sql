-- periods_guard as the ledger migration defined it
CREATE OR REPLACE FUNCTION periods_guard() RETURNS trigger AS $$
DECLARE
  k int[] := period_lock_key(NEW.unit_id, NEW.month);
BEGIN
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

DROP TRIGGER units_refuse_dissolved_parent ON units;
DROP FUNCTION units_refuse_dissolved_parent;
DROP TRIGGER transfers_refuse_dissolved ON transfers;
DROP FUNCTION transfers_refuse_dissolved;
DROP TRIGGER bank_accounts_refuse_dissolved ON bank_accounts;
DROP TRIGGER houses_refuse_dissolved ON houses;
DROP FUNCTION houses_refuse_dissolved;
DROP TRIGGER tet_batches_refuse_dissolved ON tet_batches;
DROP TRIGGER disbursements_refuse_dissolved ON disbursements;
DROP TRIGGER households_refuse_dissolved ON households;
DROP FUNCTION rows_refuse_dissolved;
DROP TRIGGER campaigns_refuse_ended ON campaigns;
DROP FUNCTION campaigns_refuse_ended;
DROP TRIGGER donations_refuse_ended ON donations;
DROP FUNCTION donations_refuse_ended;
DROP TRIGGER journal_entries_refuse_dissolved ON journal_entries;
DROP FUNCTION journal_entries_refuse_dissolved;
DROP FUNCTION unit_refuse_ended;
DROP TRIGGER units_remember_name ON units;
DROP FUNCTION units_remember_name;
DROP TABLE unit_names;
DROP TABLE unit_successions;
DROP FUNCTION unit_successions_date_names;
DROP TRIGGER units_lifecycle ON units;
DROP FUNCTION units_lifecycle;
DROP INDEX units_status_idx;
ALTER TABLE units DROP CONSTRAINT units_dissolved_on, DROP CONSTRAINT units_end_dated,
  DROP CONSTRAINT units_status_known, DROP COLUMN dissolved_on, DROP COLUMN dissolving_from,
  DROP COLUMN status;
