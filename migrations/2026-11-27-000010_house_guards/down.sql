DROP TRIGGER houses_paid_is_the_tranches ON houses;
DROP FUNCTION houses_paid_is_the_tranches();
DROP TRIGGER house_payments_guard ON house_payments;
DROP FUNCTION house_payments_guard();
ALTER TABLE houses DROP CONSTRAINT houses_cancel_four_eyes;

CREATE OR REPLACE FUNCTION houses_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'houses are never deleted' USING ERRCODE = 'restrict_violation';
  END IF;
  IF NEW.status IS DISTINCT FROM OLD.status
     AND NOT EXISTS (SELECT 1 FROM spending_transitions
                      WHERE kind = 'houses' AND from_state = OLD.status AND to_state = NEW.status) THEN
    RAISE EXCEPTION 'houses cannot go from % to %', OLD.status, NEW.status
      USING ERRCODE = 'check_violation', CONSTRAINT = 'spending_transition';
  END IF;
  IF (NEW.submitted_by, NEW.household_id, NEW.funding_unit_id, NEW.kind, NEW.support_amount)
     IS DISTINCT FROM (OLD.submitted_by, OLD.household_id, OLD.funding_unit_id, OLD.kind, OLD.support_amount)
     OR NEW.paid_amount < OLD.paid_amount THEN
    RAISE EXCEPTION 'the proposal of house % cannot change', OLD.id USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
