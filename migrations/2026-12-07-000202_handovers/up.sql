-- The handover (bàn giao) of an ending unit's fund to its successors (reform.md, "Handover").

-- ---------------------------------------------------------------- chart and journal

-- 1131: money in transit — bank money handed over, until the successor records which of its
-- bank accounts received it (guarded: it never goes below zero, and it is not spendable).
-- 5114 / 6221: what a successor received from, and what an ending fund handed over to, another
-- fund; a report over predecessors and successors eliminates the pairs, as it does 5113/6211.
INSERT INTO chart_of_accounts (code, name_vi, name_en, account_type, per_bank_account) VALUES
  ('1131', 'Tiền đang chuyển', 'Money in transit', 'asset', false),
  ('5114', 'Nhận bàn giao từ đơn vị tiền nhiệm', 'Received in handover from predecessors', 'income', false),
  ('6221', 'Bàn giao cho đơn vị kế thừa', 'Handed over to successors', 'expense', false);

INSERT INTO accounts (unit_id, code, chart_code, name, account_type)
SELECT f.unit_id, c.code, c.code, c.name_vi, c.account_type
  FROM funds f CROSS JOIN chart_of_accounts c
 WHERE c.code IN ('1131', '5114', '6221');

CREATE OR REPLACE FUNCTION is_guarded_asset(chart_code text) RETURNS boolean AS $$
  SELECT chart_code IN ('1111', '1121', '1131', '1551');
$$ LANGUAGE sql IMMUTABLE;

ALTER TABLE journal_entries DROP CONSTRAINT journal_entries_source_type_check;
ALTER TABLE journal_entries ADD CONSTRAINT journal_entries_source_type_check CHECK (source_type IN (
  'donation', 'donation_void', 'disbursement', 'tet_batch', 'tet_settlement',
  'transfer_send', 'transfer_receive', 'house_payment', 'bank_fee', 'bank_interest',
  'manual', 'reversal', 'handover', 'handover_receipt'));

-- ---------------------------------------------------------------- handovers

CREATE TABLE handovers (
  id               uuid PRIMARY KEY,
  from_unit_id     uuid NOT NULL REFERENCES units (id),
  -- the ancestor where it was proposed: its approvers decide
  proposed_at_unit_id uuid NOT NULL REFERENCES units (id),
  effective_on     date NOT NULL,
  decision_no      text CHECK (length(decision_no) BETWEEN 1 AND 100),
  status           text NOT NULL DEFAULT 'submitted'
                     CHECK (status IN ('submitted', 'approved', 'rejected', 'cancelled', 'executed')),
  households_moved integer NOT NULL DEFAULT 0 CHECK (households_moved >= 0),
  submitted_by     uuid REFERENCES users (id),
  submitted_at     timestamptz NOT NULL DEFAULT now(),
  decided_by       uuid REFERENCES users (id),
  decided_at       timestamptz,
  executed_by      uuid REFERENCES users (id),
  executed_at      timestamptz,
  cancel_reason    text CHECK (length(cancel_reason) <= 1000),
  CONSTRAINT handovers_four_eyes CHECK (decided_by IS NULL OR submitted_by IS NULL OR decided_by <> submitted_by)
);
-- one live handover per ending unit
CREATE UNIQUE INDEX handovers_one_per_unit ON handovers (from_unit_id)
  WHERE status IN ('submitted', 'approved', 'executed');
CREATE INDEX handovers_proposed_at_idx ON handovers (proposed_at_unit_id, id);

-- Who takes what fraction of the fund (a continuing unit that was split names itself).
CREATE TABLE handover_shares (
  handover_id uuid NOT NULL REFERENCES handovers (id),
  to_unit_id  uuid NOT NULL REFERENCES units (id),
  fraction    numeric(12, 10) NOT NULL CHECK (fraction >= 0 AND fraction <= 1),
  PRIMARY KEY (handover_id, to_unit_id)
);

-- The split computed at proposal and shown for approval: one line per part of the fund and
-- successor. Bank money arrives in transit; `received_*` record where it landed.
CREATE TABLE handover_lines (
  handover_id      uuid NOT NULL REFERENCES handovers (id),
  position         integer NOT NULL CHECK (position >= 0),
  to_unit_id       uuid NOT NULL REFERENCES units (id),
  -- in_transit: bank money the ending unit itself received in a handover and had not yet
  -- recorded (a merged province's districts' money), passed on still in transit
  pool             text NOT NULL CHECK (pool IN ('cash', 'bank', 'in_transit', 'goods')),
  bank_account_id  uuid REFERENCES bank_accounts (id),
  campaign_id      uuid REFERENCES campaigns (id),
  amount           numeric(20, 0) NOT NULL CHECK (amount > 0 AND amount <= 1000000000000000),
  received_bank_account_id uuid REFERENCES bank_accounts (id),
  received_on      date,
  receipt_entry_id uuid REFERENCES journal_entries (id),
  PRIMARY KEY (handover_id, position),
  CHECK ((pool = 'bank') = (bank_account_id IS NOT NULL)),
  CHECK ((received_bank_account_id IS NULL) = (receipt_entry_id IS NULL)),
  CHECK (pool IN ('bank', 'in_transit') OR received_bank_account_id IS NULL)
);

-- Which village's households go to which successor.
CREATE TABLE handover_villages (
  handover_id uuid NOT NULL REFERENCES handovers (id),
  village_key text NOT NULL,
  village     text NOT NULL,
  to_unit_id  uuid NOT NULL REFERENCES units (id),
  PRIMARY KEY (handover_id, village_key)
);

-- Open spending that a successor takes over.
CREATE TABLE handover_obligations (
  handover_id   uuid NOT NULL REFERENCES handovers (id),
  kind          text NOT NULL CHECK (kind IN ('disbursement', 'tet_batch', 'house', 'transfer')),
  obligation_id uuid NOT NULL,
  to_unit_id    uuid NOT NULL REFERENCES units (id),
  -- the successor's bank account that pays it, for spending paid by bank
  bank_account_id uuid REFERENCES bank_accounts (id),
  PRIMARY KEY (handover_id, kind, obligation_id)
);

INSERT INTO spending_transitions (kind, from_state, to_state) VALUES
  ('handovers', 'submitted', 'approved'),
  ('handovers', 'submitted', 'rejected'),
  ('handovers', 'submitted', 'cancelled'),
  ('handovers', 'approved', 'executed'),
  ('handovers', 'approved', 'cancelled');

-- A handover's proposal never changes; only its status moves, along spending_transitions.
CREATE FUNCTION handovers_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'handovers are never deleted' USING ERRCODE = 'restrict_violation', CONSTRAINT = 'spending_never_deleted';
  END IF;
  IF NEW.status IS DISTINCT FROM OLD.status
     AND NOT EXISTS (SELECT 1 FROM spending_transitions
                      WHERE kind = 'handovers' AND from_state = OLD.status AND to_state = NEW.status) THEN
    RAISE EXCEPTION 'a handover cannot go from % to %', OLD.status, NEW.status
      USING ERRCODE = 'check_violation', CONSTRAINT = 'spending_transition';
  END IF;
  IF (NEW.from_unit_id, NEW.proposed_at_unit_id, NEW.effective_on, NEW.decision_no,
      NEW.submitted_by, NEW.submitted_at)
     IS DISTINCT FROM (OLD.from_unit_id, OLD.proposed_at_unit_id, OLD.effective_on,
                       OLD.decision_no, OLD.submitted_by, OLD.submitted_at) THEN
    RAISE EXCEPTION 'the proposal of handover % cannot change', OLD.id
      USING ERRCODE = 'restrict_violation', CONSTRAINT = 'spending_submission_fixed';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER handovers_guard BEFORE UPDATE OR DELETE ON handovers
  FOR EACH ROW EXECUTE FUNCTION handovers_guard();

-- The split shown for approval is what executes: lines, shares, villages and obligations are
-- written with their handover and never changed after, but for the record of a line's arrival.
CREATE FUNCTION handover_parts_fixed() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'handover_lines'
     AND (NEW.handover_id, NEW.position, NEW.to_unit_id, NEW.pool, NEW.bank_account_id,
          NEW.campaign_id, NEW.amount)
         IS NOT DISTINCT FROM (OLD.handover_id, OLD.position, OLD.to_unit_id, OLD.pool,
                               OLD.bank_account_id, OLD.campaign_id, OLD.amount)
     AND OLD.receipt_entry_id IS NULL THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the parts of a handover do not change' USING ERRCODE = 'restrict_violation', CONSTRAINT = 'handover_parts_fixed';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER handover_lines_fixed BEFORE UPDATE OR DELETE ON handover_lines
  FOR EACH ROW EXECUTE FUNCTION handover_parts_fixed();
CREATE TRIGGER handover_shares_fixed BEFORE UPDATE OR DELETE ON handover_shares
  FOR EACH ROW EXECUTE FUNCTION handover_parts_fixed();
CREATE TRIGGER handover_villages_fixed BEFORE UPDATE OR DELETE ON handover_villages
  FOR EACH ROW EXECUTE FUNCTION handover_parts_fixed();
CREATE TRIGGER handover_obligations_fixed BEFORE UPDATE OR DELETE ON handover_obligations
  FOR EACH ROW EXECUTE FUNCTION handover_parts_fixed();

-- ---------------------------------------------------------------- the rules money depends on

-- A unit is dissolved only by its executed handover, and only empty: every guarded balance of
-- its fund (cash, each bank account, money in transit, goods, every earmark) is zero at commit.
CREATE FUNCTION units_dissolved_empty() RETURNS trigger AS $$
BEGIN
  IF NEW.status = 'dissolved' AND OLD.status IS DISTINCT FROM 'dissolved' THEN
    IF NOT EXISTS (SELECT 1 FROM handovers WHERE from_unit_id = NEW.id AND status = 'executed') THEN
      RAISE EXCEPTION 'unit % is dissolved only by its executed handover', NEW.code
        USING ERRCODE = 'check_violation', CONSTRAINT = 'unit_dissolved_by_handover';
    END IF;
    IF EXISTS (SELECT 1 FROM balance_buckets
                WHERE unit_id = NEW.id AND is_guarded_asset(chart_code)
                GROUP BY account_id, campaign_id HAVING sum(debit - credit) <> 0) THEN
      RAISE EXCEPTION 'unit % still holds money or goods', NEW.code
        USING ERRCODE = 'check_violation', CONSTRAINT = 'handover_lines_sum_to_the_balance';
    END IF;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER units_dissolved_empty AFTER UPDATE OF status ON units
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION units_dissolved_empty();

-- An earmark stays with its campaign through a handover: a campaign of a unit that ended is
-- usable by the units that succeeded it (and theirs below), and a campaign a predecessor could
-- use stays usable by its successor (a commune whose province's campaign it held, handed over to
-- a commune of another province).
CREATE FUNCTION campaign_usable_by(camp_unit uuid, unit uuid) RETURNS boolean AS $$
  SELECT EXISTS (SELECT 1 FROM units u WHERE u.id = unit AND camp_unit = ANY (u.ancestry))
      OR EXISTS (SELECT 1 FROM units u JOIN unit_successions s ON s.successor_id = ANY (u.ancestry)
                  WHERE u.id = unit AND s.predecessor_id = camp_unit)
      OR EXISTS (SELECT 1 FROM unit_successions s JOIN units p ON p.id = s.predecessor_id
                  WHERE s.successor_id = unit AND camp_unit = ANY (p.ancestry));
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION postings_place() RETURNS trigger AS $$
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
    IF NOT campaign_usable_by(camp_unit, e.unit_id) THEN
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

-- Obligations move only to a successor of their unit (the handover's execution does it).
CREATE FUNCTION moves_to_a_successor(old_unit uuid, new_unit uuid) RETURNS boolean AS $$
  SELECT old_unit = new_unit
      OR EXISTS (SELECT 1 FROM unit_successions
                  WHERE predecessor_id = old_unit AND successor_id = new_unit);
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION reservations_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'reservations are never deleted' USING ERRCODE = 'restrict_violation', CONSTRAINT = 'reservations_never_deleted';
  END IF;
  IF TG_OP = 'UPDATE' THEN
    IF (NEW.campaign_id, NEW.pool, NEW.source_type, NEW.source_id, NEW.amount)
       IS DISTINCT FROM (OLD.campaign_id, OLD.pool, OLD.source_type, OLD.source_id, OLD.amount)
       OR NOT moves_to_a_successor(OLD.unit_id, NEW.unit_id)
       OR NEW.used < OLD.used
       OR (OLD.released_at IS NOT NULL AND (NEW.released_at IS DISTINCT FROM OLD.released_at OR NEW.used <> OLD.used)) THEN
      RAISE EXCEPTION 'a reservation only gets used or released, or moves to a successor' USING ERRCODE = 'restrict_violation', CONSTRAINT = 'reservations_used_or_released';
    END IF;
    RETURN NEW;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('spend:' || NEW.unit_id::text), 0);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- TG_ARGV[0] names the unit column; the trigger runs for the tables of spending.
CREATE FUNCTION spending_moves_to_a_successor() RETURNS trigger AS $$
BEGIN
  IF NOT moves_to_a_successor((to_jsonb(OLD) ->> TG_ARGV[0])::uuid,
                              (to_jsonb(NEW) ->> TG_ARGV[0])::uuid) THEN
    RAISE EXCEPTION '% % moves only to a successor of its unit', TG_TABLE_NAME, OLD.id
      USING ERRCODE = 'restrict_violation', CONSTRAINT = 'spending_submission_fixed';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER disbursements_move BEFORE UPDATE OF unit_id ON disbursements
  FOR EACH ROW EXECUTE FUNCTION spending_moves_to_a_successor('unit_id');
CREATE TRIGGER tet_batches_move BEFORE UPDATE OF unit_id ON tet_batches
  FOR EACH ROW EXECUTE FUNCTION spending_moves_to_a_successor('unit_id');
CREATE TRIGGER transfers_move_from BEFORE UPDATE OF from_unit_id ON transfers
  FOR EACH ROW EXECUTE FUNCTION spending_moves_to_a_successor('from_unit_id');
CREATE TRIGGER transfers_move_to BEFORE UPDATE OF to_unit_id ON transfers
  FOR EACH ROW EXECUTE FUNCTION spending_moves_to_a_successor('to_unit_id');
CREATE TRIGGER houses_move BEFORE UPDATE OF funding_unit_id ON houses
  FOR EACH ROW EXECUTE FUNCTION spending_moves_to_a_successor('funding_unit_id');

-- The house guard compares the funding unit with the proposal's; a move to a successor is the
-- handover's, checked above, so the guard compares the rest.
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
  IF (NEW.submitted_by, NEW.submitted_at, NEW.household_id, NEW.kind,
      NEW.campaign_id, NEW.earmark_id, NEW.proposed_on, NEW.norm_amount, NEW.support_amount,
      NEW.norm_override_reason, NEW.estimated_cost, NEW.area_m2, NEW.funding_plan)
     IS DISTINCT FROM
     (OLD.submitted_by, OLD.submitted_at, OLD.household_id, OLD.kind,
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

-- ---------------------------------------------------------------- bank accounts

-- A dissolved fund's bank accounts are closed for new statements.
ALTER TABLE bank_accounts ADD COLUMN closed_on date;

CREATE FUNCTION bank_statements_refuse_closed() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM bank_accounts WHERE id = NEW.bank_account_id AND closed_on IS NOT NULL) THEN
    RAISE EXCEPTION 'bank account % is closed', NEW.bank_account_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'unit_dissolved';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER bank_statements_refuse_closed BEFORE INSERT ON bank_statements
  FOR EACH ROW EXECUTE FUNCTION bank_statements_refuse_closed();
