-- More of a house project's rules held by the database, not only by the routes: the submitter
-- never cancels their own proposal (four eyes, as for approval); the proposal and each stage's
-- record, once written, never change; a tranche is paid only while the project is approved,
-- started or completed, the final one only after acceptance; and the project's paid amount is
-- always the sum of its tranches.

ALTER TABLE houses
  ADD CONSTRAINT houses_cancel_four_eyes CHECK (cancelled_by IS DISTINCT FROM submitted_by);

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
  -- the proposal as approved; then each stage's record once written (coalesce(OLD, NEW) is NEW
  -- while the stage is not recorded yet, and OLD after)
  IF (NEW.submitted_by, NEW.submitted_at, NEW.household_id, NEW.funding_unit_id, NEW.kind,
      NEW.campaign_id, NEW.earmark_id, NEW.proposed_on, NEW.norm_amount, NEW.support_amount,
      NEW.norm_override_reason, NEW.estimated_cost, NEW.area_m2, NEW.funding_plan)
     IS DISTINCT FROM
     (OLD.submitted_by, OLD.submitted_at, OLD.household_id, OLD.funding_unit_id, OLD.kind,
      OLD.campaign_id, OLD.earmark_id, OLD.proposed_on, OLD.norm_amount, OLD.support_amount,
      OLD.norm_override_reason, OLD.estimated_cost, OLD.area_m2, OLD.funding_plan)
     OR (NEW.approved_by, NEW.approved_at, NEW.started_on, NEW.started_by, NEW.completed_on,
         NEW.completed_by, NEW.meets_3_cung, NEW.handed_over_on, NEW.handed_over_by,
         NEW.cancelled_at, NEW.cancelled_by, NEW.cancel_reason)
        IS DISTINCT FROM
        (coalesce(OLD.approved_by, NEW.approved_by), coalesce(OLD.approved_at, NEW.approved_at),
         coalesce(OLD.started_on, NEW.started_on), coalesce(OLD.started_by, NEW.started_by),
         coalesce(OLD.completed_on, NEW.completed_on), coalesce(OLD.completed_by, NEW.completed_by),
         coalesce(OLD.meets_3_cung, NEW.meets_3_cung), coalesce(OLD.handed_over_on, NEW.handed_over_on),
         coalesce(OLD.handed_over_by, NEW.handed_over_by), coalesce(OLD.cancelled_at, NEW.cancelled_at),
         coalesce(OLD.cancelled_by, NEW.cancelled_by), coalesce(OLD.cancel_reason, NEW.cancel_reason))
     OR NEW.paid_amount < OLD.paid_amount THEN
    RAISE EXCEPTION 'the proposal of house % cannot change', OLD.id USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION house_payments_guard() RETURNS trigger AS $$
DECLARE
  state text;
BEGIN
  SELECT status INTO state FROM houses WHERE id = NEW.house_id;
  IF state NOT IN ('approved', 'started', 'completed') THEN
    RAISE EXCEPTION 'house % is % and takes no tranche', NEW.house_id, state
      USING ERRCODE = 'check_violation', CONSTRAINT = 'spending_transition';
  END IF;
  IF NEW.stage = 'final' AND state <> 'completed' THEN
    RAISE EXCEPTION 'the final tranche of house % needs its acceptance', NEW.house_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'house_final_after_acceptance';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER house_payments_guard BEFORE INSERT ON house_payments
  FOR EACH ROW EXECUTE FUNCTION house_payments_guard();

-- at commit, so the route may add to the paid amount and record the tranche in either order
CREATE FUNCTION houses_paid_is_the_tranches() RETURNS trigger AS $$
BEGIN
  IF (SELECT paid_amount FROM houses WHERE id = NEW.id)
     <> (SELECT coalesce(sum(amount), 0) FROM house_payments WHERE house_id = NEW.id) THEN
    RAISE EXCEPTION 'the paid amount of house % is not the sum of its tranches', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'houses_paid_is_the_tranches';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER houses_paid_is_the_tranches AFTER UPDATE OF paid_amount ON houses
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION houses_paid_is_the_tranches();
