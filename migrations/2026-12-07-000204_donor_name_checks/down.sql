CREATE OR REPLACE FUNCTION donations_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'donations are never deleted' USING ERRCODE = 'restrict_violation', CONSTRAINT = 'donations_never_deleted';
  END IF;
  IF OLD.status <> 'recorded' OR NEW.status <> 'void'
     OR (to_jsonb(NEW) - ARRAY['status', 'void_entry_id', 'void_reason', 'voided_at', 'voided_by'])
        IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['status', 'void_entry_id', 'void_reason', 'voided_at', 'voided_by']) THEN
    RAISE EXCEPTION 'a donation can only be voided, once' USING ERRCODE = 'restrict_violation', CONSTRAINT = 'donations_void_once';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TABLE donor_name_checks;
DROP FUNCTION donor_name_checks_guard();
