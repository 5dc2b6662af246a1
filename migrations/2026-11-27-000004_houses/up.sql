-- Great Unity houses: support norms, house projects from proposal to hand-over, tranche
-- payments within the approved support, contributions from other sources, and the attachments
-- (photos, signed minutes) that stages and Tết deliveries point to.

-- ---------------------------------------------------------------- attachments

-- Files live on disk, content-addressed by SHA-256; a row says who may see one (its unit).
CREATE TABLE attachments (
  id           uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
  unit_id      uuid NOT NULL REFERENCES units (id),
  sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size         bigint NOT NULL CHECK (size > 0 AND size <= 10485760),
  content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
  filename     text CHECK (length(filename) BETWEEN 1 AND 255),
  uploaded_by  uuid NOT NULL REFERENCES users (id),
  uploaded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_unit_idx ON attachments (unit_id, id);
CREATE INDEX attachments_sha256_idx ON attachments (sha256);
CREATE TRIGGER attachments_append_only BEFORE UPDATE OR DELETE ON attachments
  FOR EACH ROW EXECUTE FUNCTION reject_change();

-- ---------------------------------------------------------------- support norms

-- The standard support per house kind from a date; a unit's norm overrides its ancestors',
-- and a norm without a unit is the national programme's.
CREATE TABLE housing_norms (
  id             uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
  unit_id        uuid REFERENCES units (id),
  kind           text NOT NULL CHECK (kind IN ('new', 'repair')),
  effective_from date NOT NULL,
  amount         numeric(20, 0) NOT NULL CHECK (amount > 0 AND amount <= 1000000000000000),
  set_by         uuid REFERENCES users (id),
  set_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX housing_norms_key ON housing_norms
  (coalesce(unit_id, '00000000-0000-0000-0000-000000000000'), kind, effective_from);

-- the 2025 national programme
INSERT INTO housing_norms (unit_id, kind, effective_from, amount) VALUES
  (NULL, 'new', '2025-01-01', 60000000),
  (NULL, 'repair', '2025-01-01', 30000000);

-- The norm in force for a unit on a date: the deepest unit on its branch that set one wins,
-- then the latest date on or before `on_date`.
CREATE FUNCTION housing_norm(unit uuid, house_kind text, on_date date) RETURNS numeric AS $$
  SELECT n.amount
    FROM housing_norms n
    LEFT JOIN units u ON u.id = n.unit_id
   WHERE n.kind = house_kind AND n.effective_from <= on_date
     AND (n.unit_id IS NULL
          OR n.unit_id = ANY (coalesce((SELECT ancestry FROM units WHERE id = unit), '{}'::uuid[])))
   ORDER BY coalesce(array_length(u.ancestry, 1), 0) DESC, n.effective_from DESC
   LIMIT 1;
$$ LANGUAGE sql STABLE;

-- ---------------------------------------------------------------- house projects

CREATE TABLE houses (
  id                    uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
  household_id          uuid NOT NULL REFERENCES households (id),
  -- whose fund pays; the household lives in its subtree
  funding_unit_id       uuid NOT NULL REFERENCES funds (unit_id),
  kind                  text NOT NULL CHECK (kind IN ('new', 'repair')),
  -- a restricted campaign (housing, disaster or general) whose money pays, if any
  campaign_id           uuid REFERENCES campaigns (id),
  earmark_id            uuid REFERENCES campaigns (id),
  proposed_on           date NOT NULL,
  norm_amount           numeric(20, 0),
  support_amount        numeric(20, 0) NOT NULL CHECK (support_amount > 0 AND support_amount <= 1000000000000000),
  norm_override_reason  text CHECK (length(norm_override_reason) BETWEEN 1 AND 1000),
  estimated_cost        numeric(20, 0) NOT NULL CHECK (estimated_cost > 0 AND estimated_cost <= 1000000000000000),
  area_m2               numeric(8, 2) CHECK (area_m2 > 0 AND area_m2 <= 10000),
  -- [{"source","amount","name"?}]: fund, state_budget, sponsor, community, household
  funding_plan          jsonb NOT NULL DEFAULT '[]',
  status                text NOT NULL DEFAULT 'proposed'
                          CHECK (status IN ('proposed', 'approved', 'started', 'completed', 'handed_over', 'cancelled')),
  -- fund money paid so far (tranches), never above the support
  paid_amount           numeric(20, 0) NOT NULL DEFAULT 0,
  submitted_by          uuid NOT NULL REFERENCES users (id),
  submitted_at          timestamptz NOT NULL DEFAULT now(),
  approved_by           uuid REFERENCES users (id),
  approved_at           timestamptz,
  started_on            date,
  started_by            uuid REFERENCES users (id),
  completed_on          date,
  completed_by          uuid REFERENCES users (id),
  -- the acceptance (nghiệm thu): hard roof, floor and walls
  meets_3_cung          boolean,
  handed_over_on        date,
  handed_over_by        uuid REFERENCES users (id),
  cancelled_at          timestamptz,
  cancelled_by          uuid REFERENCES users (id),
  cancel_reason         text CHECK (length(cancel_reason) BETWEEN 1 AND 1000),
  -- attachments of each stage: {"approve": [...], "start": [...], "complete": [...], "hand_over": [...]}
  evidence              jsonb NOT NULL DEFAULT '{}',
  CONSTRAINT houses_paid_within_support CHECK (paid_amount >= 0 AND paid_amount <= support_amount),
  CHECK (earmark_id IS NULL OR earmark_id = campaign_id),
  -- a support other than the norm says why
  CHECK (norm_amount IS NOT DISTINCT FROM support_amount OR norm_override_reason IS NOT NULL),
  CHECK ((status = 'completed' OR status = 'handed_over') = (completed_on IS NOT NULL AND meets_3_cung IS NOT NULL)
         OR status = 'cancelled'),
  CONSTRAINT houses_four_eyes CHECK (approved_by IS DISTINCT FROM submitted_by)
);
CREATE INDEX houses_unit_idx ON houses (funding_unit_id, id);
CREATE INDEX houses_household_idx ON houses (household_id);
-- at most one active project per household
CREATE UNIQUE INDEX houses_one_active_per_household ON houses (household_id)
  WHERE status NOT IN ('handed_over', 'cancelled');

INSERT INTO spending_transitions (kind, from_state, to_state) VALUES
  ('houses', 'proposed', 'approved'),
  ('houses', 'proposed', 'cancelled'),
  ('houses', 'approved', 'started'),
  ('houses', 'approved', 'cancelled'),
  ('houses', 'started', 'completed'),
  ('houses', 'started', 'cancelled'),
  ('houses', 'completed', 'handed_over');

-- The generic spending guard compares `amount`; a house's fixed figure is its support.
CREATE FUNCTION houses_guard() RETURNS trigger AS $$
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

CREATE TRIGGER houses_guard BEFORE UPDATE OR DELETE ON houses
  FOR EACH ROW EXECUTE FUNCTION houses_guard();

-- ---------------------------------------------------------------- tranches and contributions

CREATE TABLE house_payments (
  id               uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
  house_id         uuid NOT NULL REFERENCES houses (id),
  stage            text NOT NULL CHECK (stage IN ('advance', 'progress', 'final')),
  amount           numeric(20, 0) NOT NULL CHECK (amount > 0 AND amount <= 1000000000000000),
  method           text NOT NULL CHECK (method IN ('cash', 'bank')),
  bank_account_id  uuid REFERENCES bank_accounts (id),
  paid_on          date NOT NULL,
  journal_entry_id uuid NOT NULL REFERENCES journal_entries (id),
  paid_by          uuid NOT NULL REFERENCES users (id),
  paid_at          timestamptz NOT NULL DEFAULT now(),
  CHECK ((method = 'bank') = (bank_account_id IS NOT NULL))
);
CREATE INDEX house_payments_house_idx ON house_payments (house_id, id);
CREATE TRIGGER house_payments_append_only BEFORE UPDATE OR DELETE ON house_payments
  FOR EACH ROW EXECUTE FUNCTION reject_change();

-- Money, materials and labour from outside the fund, recorded against the plan; they never
-- pass through the fund's books.
CREATE TABLE house_contributions (
  id             uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
  house_id       uuid NOT NULL REFERENCES houses (id),
  source         text NOT NULL CHECK (source IN ('state_budget', 'sponsor', 'community', 'household')),
  kind           text NOT NULL CHECK (kind IN ('cash', 'materials', 'labour')),
  -- the value in đồng (materials and labour valued by the commune)
  value          numeric(20, 0) NOT NULL CHECK (value >= 0 AND value <= 1000000000000000),
  labour_days    numeric(8, 1) CHECK (labour_days > 0),
  name           text CHECK (length(name) BETWEEN 1 AND 200),
  description    text CHECK (length(description) BETWEEN 1 AND 1000),
  contributed_on date NOT NULL,
  recorded_by    uuid NOT NULL REFERENCES users (id),
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'labour') = (labour_days IS NOT NULL)),
  CHECK (kind = 'labour' OR value > 0)
);
CREATE INDEX house_contributions_house_idx ON house_contributions (house_id);
CREATE TRIGGER house_contributions_append_only BEFORE UPDATE OR DELETE ON house_contributions
  FOR EACH ROW EXECUTE FUNCTION reject_change();
