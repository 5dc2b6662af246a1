-- Donor names read from bank statements (issue "Real statements, real donors"): a name read
-- with too little confidence is not published (the donation shows as "Nhà hảo tâm") and waits
-- here for an officer to check it against the line. The officer's correction — who gave, and
-- whether to name them — is the one change a recorded donation takes besides its void.

CREATE TABLE donor_name_checks (
  donation_id uuid CONSTRAINT donor_name_checks_pkey PRIMARY KEY REFERENCES donations (id),
  -- the reader's confidence (0-100) in what it read: a name, or that there is none
  confidence  smallint NOT NULL CHECK (confidence BETWEEN 0 AND 100),
  created_at  timestamptz NOT NULL DEFAULT now(),
  checked_by  uuid REFERENCES users (id),
  checked_at  timestamptz,
  CHECK ((checked_by IS NULL) = (checked_at IS NULL))
);
CREATE INDEX donor_name_checks_open_idx ON donor_name_checks (donation_id) WHERE checked_at IS NULL;

-- a check is closed once, never reopened, changed or removed
CREATE FUNCTION donor_name_checks_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.checked_at IS NOT NULL
     OR (NEW.donation_id, NEW.confidence, NEW.created_at)
        IS DISTINCT FROM (OLD.donation_id, OLD.confidence, OLD.created_at) THEN
    RAISE EXCEPTION 'a donor name check is closed once' USING ERRCODE = 'restrict_violation',
      CONSTRAINT = 'donor_name_checked_once';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER donor_name_checks_guard BEFORE UPDATE OR DELETE ON donor_name_checks
  FOR EACH ROW EXECUTE FUNCTION donor_name_checks_guard();
CREATE TRIGGER donor_name_checks_no_truncate BEFORE TRUNCATE ON donor_name_checks
  FOR EACH STATEMENT EXECUTE FUNCTION reject_change();

-- a recorded donation's donor may be corrected (who, the name, its search key, whether it is
-- published); anything else only by the void, once
CREATE OR REPLACE FUNCTION donations_guard() RETURNS trigger AS $$
DECLARE
  donor text[] := ARRAY['donor_kind', 'donor_name', 'donor_search', 'public_display'];
  void text[] := ARRAY['status', 'void_entry_id', 'void_reason', 'voided_at', 'voided_by'];
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'donations are never deleted' USING ERRCODE = 'restrict_violation', CONSTRAINT = 'donations_never_deleted';
  END IF;
  IF OLD.status = 'recorded' AND NEW.status = 'recorded'
     AND (to_jsonb(NEW) - donor) IS NOT DISTINCT FROM (to_jsonb(OLD) - donor) THEN
    RETURN NEW;
  END IF;
  IF OLD.status <> 'recorded' OR NEW.status <> 'void'
     OR (to_jsonb(NEW) - void) IS DISTINCT FROM (to_jsonb(OLD) - void) THEN
    RAISE EXCEPTION 'a donation can only be voided, once' USING ERRCODE = 'restrict_violation', CONSTRAINT = 'donations_void_once';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
