-- Every error a trigger raises carries a constraint name, so the service maps each one to a
-- stable problem code (src/error.rs, `code_for_constraint`) instead of a 500: diesel passes the
-- constraint name but not the SQLSTATE of a restrict_violation. The functions are otherwise
-- unchanged.

CREATE OR REPLACE FUNCTION reject_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % rejected', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation', CONSTRAINT = 'append_only';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION units_place() RETURNS trigger AS $$
DECLARE
  p units%ROWTYPE;
BEGIN
  IF NEW.parent_id IS NULL THEN
    NEW.ancestry := ARRAY[NEW.id];
    NEW.path := ARRAY[NEW.code];
  ELSE
    SELECT * INTO p FROM units WHERE id = NEW.parent_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'parent unit does not exist' USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'units_parent_exists';
    END IF;
    IF tier_rank(p.tier) >= tier_rank(NEW.tier) THEN
      RAISE EXCEPTION 'a % cannot be placed under a %', NEW.tier, p.tier
        USING ERRCODE = 'check_violation', CONSTRAINT = 'units_tier_order';
    END IF;
    IF NEW.id = ANY (p.ancestry) THEN
      RAISE EXCEPTION 'a unit cannot be placed under itself' USING ERRCODE = 'check_violation', CONSTRAINT = 'units_not_under_itself';
    END IF;
    NEW.ancestry := p.ancestry || NEW.id;
    NEW.path := p.path || NEW.code;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

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

CREATE OR REPLACE FUNCTION spending_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION '% are never deleted', TG_TABLE_NAME USING ERRCODE = 'restrict_violation', CONSTRAINT = 'spending_never_deleted';
  END IF;
  IF NEW.status IS DISTINCT FROM OLD.status
     AND NOT EXISTS (SELECT 1 FROM spending_transitions
                      WHERE kind = TG_TABLE_NAME AND from_state = OLD.status AND to_state = NEW.status) THEN
    RAISE EXCEPTION '% cannot go from % to %', TG_TABLE_NAME, OLD.status, NEW.status
      USING ERRCODE = 'check_violation', CONSTRAINT = 'spending_transition';
  END IF;
  IF NEW.submitted_by IS DISTINCT FROM OLD.submitted_by OR NEW.amount IS DISTINCT FROM OLD.amount THEN
    RAISE EXCEPTION 'the submission of % % cannot change', TG_TABLE_NAME, OLD.id
      USING ERRCODE = 'restrict_violation', CONSTRAINT = 'spending_submission_fixed';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION reservations_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'reservations are never deleted' USING ERRCODE = 'restrict_violation', CONSTRAINT = 'reservations_never_deleted';
  END IF;
  IF TG_OP = 'UPDATE' THEN
    IF (NEW.unit_id, NEW.campaign_id, NEW.pool, NEW.source_type, NEW.source_id, NEW.amount)
       IS DISTINCT FROM (OLD.unit_id, OLD.campaign_id, OLD.pool, OLD.source_type, OLD.source_id, OLD.amount)
       OR NEW.used < OLD.used
       OR (OLD.released_at IS NOT NULL AND (NEW.released_at IS DISTINCT FROM OLD.released_at OR NEW.used <> OLD.used)) THEN
      RAISE EXCEPTION 'a reservation only gets used or released' USING ERRCODE = 'restrict_violation', CONSTRAINT = 'reservations_used_or_released';
    END IF;
    RETURN NEW;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('spend:' || NEW.unit_id::text), 0);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION tet_batch_recipients_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'gift recipients are never deleted' USING ERRCODE = 'restrict_violation', CONSTRAINT = 'tet_recipients_never_deleted';
  END IF;
  IF OLD.status <> 'pending' OR (NEW.batch_id, NEW.household_id, NEW.campaign_id, NEW.position)
       IS DISTINCT FROM (OLD.batch_id, OLD.household_id, OLD.campaign_id, OLD.position) THEN
    RAISE EXCEPTION 'a gift recipient changes once, from pending' USING ERRCODE = 'restrict_violation', CONSTRAINT = 'tet_recipient_changes_once';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION houses_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'houses are never deleted' USING ERRCODE = 'restrict_violation', CONSTRAINT = 'houses_never_deleted';
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
    RAISE EXCEPTION 'the proposal of house % cannot change', OLD.id USING ERRCODE = 'restrict_violation', CONSTRAINT = 'houses_proposal_fixed';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION statement_lines_guard() RETURNS trigger AS $$
DECLARE
  ledger uuid;
  posted numeric;
BEGIN
  IF TG_OP = 'UPDATE' AND (NEW.id, NEW.bank_account_id, NEW.statement_id, NEW.line_date, NEW.doc_no,
                           NEW.debit, NEW.credit, NEW.balance, NEW.description, NEW.description_search,
                           NEW.occurrence, NEW.identity, NEW.created_at)
      IS DISTINCT FROM (OLD.id, OLD.bank_account_id, OLD.statement_id, OLD.line_date, OLD.doc_no,
                        OLD.debit, OLD.credit, OLD.balance, OLD.description, OLD.description_search,
                        OLD.occurrence, OLD.identity, OLD.created_at) THEN
    RAISE EXCEPTION 'the bank''s side of statement line % cannot change', OLD.id
      USING ERRCODE = 'restrict_violation', CONSTRAINT = 'statement_line_bank_side_fixed';
  END IF;
  IF NEW.matched_entry_id IS NOT NULL
     AND (TG_OP = 'INSERT' OR NEW.matched_entry_id IS DISTINCT FROM OLD.matched_entry_id) THEN
    SELECT b.account_id INTO ledger FROM bank_accounts b WHERE b.id = NEW.bank_account_id;
    -- by the entry alone (its few postings), filtered after: a plan that also scanned the bank
    -- account's postings would read all of them for every line of a bulk match
    SELECT sum(p.amount) FILTER (WHERE p.account_id = ledger
                                   AND p.side = CASE WHEN NEW.credit > 0 THEN 'debit' ELSE 'credit' END)
      INTO posted
      FROM postings p
     WHERE p.entry_id = NEW.matched_entry_id;
    IF posted IS DISTINCT FROM NEW.credit + NEW.debit THEN
      RAISE EXCEPTION 'entry % does not post the amount of statement line % to its bank account',
        NEW.matched_entry_id, NEW.id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'line_matches_entry';
    END IF;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
