-- Where a user who holds no role belongs. Scope comes from role assignments, so a user whose
-- last role was removed would drop out of every admin's sight while their account lives on.
-- `home_unit_id` is the highest unit (nearest the root; then by code) of the roles they held
-- when the last one went, and it is set exactly while they hold none: the triggers below set it
-- when a statement removes a user's last role and clear it when a role is granted again, so a
-- role removed by hand places the user just as the API does.
ALTER TABLE users ADD COLUMN home_unit_id uuid REFERENCES units (id);
CREATE INDEX users_home_unit_idx ON users (home_unit_id) WHERE home_unit_id IS NOT NULL;

CREATE FUNCTION role_assignments_remember_home() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE users u
     SET home_unit_id = (
           SELECT r.unit_id
             FROM removed r JOIN units x ON x.id = r.unit_id
            WHERE r.user_id = u.id
            ORDER BY cardinality(x.ancestry), x.code
            LIMIT 1)
   WHERE u.id IN (SELECT user_id FROM removed)
     AND NOT EXISTS (SELECT 1 FROM role_assignments a WHERE a.user_id = u.id);
  RETURN NULL;
END
$$;
CREATE TRIGGER role_assignments_remember_home
  AFTER DELETE ON role_assignments REFERENCING OLD TABLE AS removed
  FOR EACH STATEMENT EXECUTE FUNCTION role_assignments_remember_home();

CREATE FUNCTION role_assignments_clear_home() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE users SET home_unit_id = NULL
   WHERE id IN (SELECT user_id FROM added) AND home_unit_id IS NOT NULL;
  RETURN NULL;
END
$$;
CREATE TRIGGER role_assignments_clear_home
  AFTER INSERT ON role_assignments REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION role_assignments_clear_home();

-- Users who lost their last role before this migration: the unit of the latest audit event
-- about them that names one (removing roles records the unit of a role removed).
UPDATE users u
   SET home_unit_id = (
         SELECT e.unit_id FROM audit_events e
          WHERE e.target_type = 'user' AND e.target_id = u.id AND e.unit_id IS NOT NULL
          ORDER BY e.occurred_at DESC
          LIMIT 1)
 WHERE NOT EXISTS (SELECT 1 FROM role_assignments a WHERE a.user_id = u.id);
