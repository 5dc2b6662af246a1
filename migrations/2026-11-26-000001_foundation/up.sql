-- Foundation: the unit tree with one fund and chart of accounts per unit, users with role
-- assignments, refresh tokens, and the append-only audit trail.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Time-ordered UUIDs (RFC 9562 v7) for rows created by the database itself; the application
-- makes its own with the uuid crate. PostgreSQL 15/16 have no built-in uuidv7().
CREATE FUNCTION uuid_generate_v7() RETURNS uuid AS $$
  SELECT encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
              PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
              FROM 1 FOR 6),
      52, 1), 53, 1),
    'hex')::uuid;
$$ LANGUAGE sql VOLATILE;

-- Rejects any UPDATE, DELETE or TRUNCATE on the table it is attached to.
CREATE FUNCTION reject_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % rejected', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION tier_rank(tier text) RETURNS int AS $$
  SELECT CASE tier WHEN 'central' THEN 0 WHEN 'province' THEN 1 WHEN 'district' THEN 2 WHEN 'commune' THEN 3 END;
$$ LANGUAGE sql IMMUTABLE STRICT;

CREATE TABLE units (
  id          uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
  code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9._-]{0,31}$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  full_name   text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 300),
  kind        text CHECK (length(kind) <= 100),
  tier        text NOT NULL CHECK (tier IN ('central', 'province', 'district', 'commune')),
  parent_id   uuid REFERENCES units (id),
  -- Maintained by the trigger below, never by the application: the ids and codes from the root
  -- down to this unit, so "is X inside the scope of Y" is one array test with an index.
  ancestry    uuid[] NOT NULL DEFAULT '{}',
  path        text[] NOT NULL DEFAULT '{}',
  -- name and full name folded to ASCII lower case, for search without diacritics
  search_text text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT units_root_is_central CHECK ((tier = 'central') = (parent_id IS NULL))
);
CREATE INDEX units_parent_idx ON units (parent_id);
CREATE INDEX units_ancestry_idx ON units USING gin (ancestry);
CREATE INDEX units_search_idx ON units USING gin (search_text gin_trgm_ops);
CREATE UNIQUE INDEX units_single_root ON units ((true)) WHERE parent_id IS NULL;

-- Keeps ancestry and path exact and holds the tier rule: a parent is of a strictly higher tier.
CREATE FUNCTION units_place() RETURNS trigger AS $$
DECLARE
  p units%ROWTYPE;
BEGIN
  IF NEW.parent_id IS NULL THEN
    NEW.ancestry := ARRAY[NEW.id];
    NEW.path := ARRAY[NEW.code];
  ELSE
    SELECT * INTO p FROM units WHERE id = NEW.parent_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'parent unit does not exist' USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF tier_rank(p.tier) >= tier_rank(NEW.tier) THEN
      RAISE EXCEPTION 'a % cannot be placed under a %', NEW.tier, p.tier
        USING ERRCODE = 'check_violation', CONSTRAINT = 'units_tier_order';
    END IF;
    IF NEW.id = ANY (p.ancestry) THEN
      RAISE EXCEPTION 'a unit cannot be placed under itself' USING ERRCODE = 'check_violation';
    END IF;
    NEW.ancestry := p.ancestry || NEW.id;
    NEW.path := p.path || NEW.code;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER units_place BEFORE INSERT OR UPDATE OF parent_id, code, tier, ancestry, path ON units
  FOR EACH ROW EXECUTE FUNCTION units_place();

-- When a unit moves (the 2025 reform moved communes from districts to provinces), its
-- descendants' ancestry follows; each child's own trigger recomputes from its new parent.
CREATE FUNCTION units_cascade_place() RETURNS trigger AS $$
BEGIN
  IF NEW.ancestry IS DISTINCT FROM OLD.ancestry OR NEW.path IS DISTINCT FROM OLD.path THEN
    UPDATE units SET ancestry = '{}' WHERE parent_id = NEW.id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER units_cascade_place AFTER UPDATE OF parent_id, code, ancestry, path ON units
  FOR EACH ROW EXECUTE FUNCTION units_cascade_place();

-- The chart of accounts of ledger.md, copied into every fund.
CREATE TABLE chart_of_accounts (
  code          text PRIMARY KEY,
  name_vi       text NOT NULL,
  name_en       text NOT NULL,
  account_type  text NOT NULL CHECK (account_type IN ('asset', 'liability', 'net_assets', 'income', 'expense')),
  -- 1121 is a template: each registered bank account gets its own sub-account 1121.N
  per_bank_account boolean NOT NULL DEFAULT false
);

INSERT INTO chart_of_accounts (code, name_vi, name_en, account_type, per_bank_account) VALUES
  ('1111', 'Tiền mặt', 'Cash on hand', 'asset', false),
  ('1121', 'Tiền gửi ngân hàng, kho bạc', 'Bank and treasury deposits', 'asset', true),
  ('1361', 'Phải thu nội bộ', 'Due from other units', 'asset', false),
  ('1551', 'Hàng hóa hiện vật', 'In-kind goods', 'asset', false),
  ('3361', 'Phải trả nội bộ', 'Due to other units', 'liability', false),
  ('4111', 'Quỹ Vì người nghèo', 'Accumulated fund balance', 'net_assets', false),
  ('5111', 'Thu ủng hộ bằng tiền', 'Cash and bank donations', 'income', false),
  ('5112', 'Thu ủng hộ hiện vật', 'In-kind donations', 'income', false),
  ('5113', 'Thu điều tiết', 'Transfers in from other units', 'income', false),
  ('5118', 'Thu khác', 'Other income', 'income', false),
  ('6111', 'Chi xây mới nhà Đại đoàn kết', 'New Great Unity houses', 'expense', false),
  ('6112', 'Chi sửa chữa nhà', 'House repairs', 'expense', false),
  ('6121', 'Chi tặng quà Tết', 'Tết gifts', 'expense', false),
  ('6131', 'Chi hỗ trợ khám chữa bệnh', 'Medical support', 'expense', false),
  ('6141', 'Chi hỗ trợ học tập', 'Schooling support', 'expense', false),
  ('6151', 'Chi hỗ trợ sinh kế', 'Livelihood support', 'expense', false),
  ('6161', 'Chi cứu trợ đột xuất', 'Emergency relief', 'expense', false),
  ('6171', 'Chi công trình an sinh', 'Community works', 'expense', false),
  ('6191', 'Chi khác', 'Other spending', 'expense', false),
  ('6211', 'Chi điều tiết', 'Transfers out to other units', 'expense', false),
  ('6411', 'Phí ngân hàng', 'Bank fees', 'expense', false);

CREATE TABLE funds (
  unit_id    uuid PRIMARY KEY REFERENCES units (id),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
  id           uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
  unit_id      uuid NOT NULL REFERENCES funds (unit_id),
  code         text NOT NULL,
  chart_code   text NOT NULL REFERENCES chart_of_accounts (code),
  name         text NOT NULL,
  account_type text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (unit_id, code)
);

-- Every unit gets its fund and chart in the statement that creates it, however it is created
-- (API, CLI import, hand-written SQL), set-based so a 10,000-unit import stays fast.
CREATE FUNCTION units_open_funds() RETURNS trigger AS $$
BEGIN
  INSERT INTO funds (unit_id) SELECT id FROM new_units;
  INSERT INTO accounts (unit_id, code, chart_code, name, account_type)
    SELECT u.id, c.code, c.code, c.name_vi, c.account_type
      FROM new_units u CROSS JOIN chart_of_accounts c
     WHERE NOT c.per_bank_account;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER units_open_funds AFTER INSERT ON units
  REFERENCING NEW TABLE AS new_units
  FOR EACH STATEMENT EXECUTE FUNCTION units_open_funds();

CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
  username      text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
  password_hash text NOT NULL,
  full_name     text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
  disabled_at   timestamptz,
  created_by    uuid REFERENCES users (id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_username_key UNIQUE (username)
);

CREATE TABLE role_assignments (
  user_id    uuid NOT NULL REFERENCES users (id),
  role       text NOT NULL CHECK (role IN ('admin', 'officer', 'approver', 'accountant', 'auditor')),
  unit_id    uuid NOT NULL REFERENCES units (id),
  granted_by uuid REFERENCES users (id),
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, role, unit_id)
);
CREATE INDEX role_assignments_unit_idx ON role_assignments (unit_id);

-- Refresh tokens are stored only as SHA-256 hashes. A family is one sign-in and every token
-- rotated from it; presenting a used token again revokes the whole family.
CREATE TABLE refresh_tokens (
  id          uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
  family_id   uuid NOT NULL,
  user_id     uuid NOT NULL REFERENCES users (id),
  token_hash  bytea NOT NULL UNIQUE,
  issued_at   timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  revoked_at  timestamptz
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

-- Who did what, where, and from which request. Written in the same transaction as the change.
CREATE TABLE audit_events (
  id           uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
  occurred_at  timestamptz NOT NULL DEFAULT now(),
  actor_id     uuid REFERENCES users (id),
  actor_roles  jsonb NOT NULL DEFAULT '[]',
  action       text NOT NULL,
  target_type  text NOT NULL,
  target_id    uuid,
  unit_id      uuid REFERENCES units (id),
  -- the ancestry of unit_id at the time of the event, so scope filters need no join
  unit_ancestry uuid[] NOT NULL DEFAULT '{}',
  request_id   text,
  client_ip    text,
  changes      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_ancestry_idx ON audit_events USING gin (unit_ancestry);
CREATE INDEX audit_events_time_idx ON audit_events (occurred_at, id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, occurred_at);

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION reject_change();
