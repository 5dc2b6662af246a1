DROP TRIGGER role_assignments_clear_home ON role_assignments;
DROP FUNCTION role_assignments_clear_home();
DROP TRIGGER role_assignments_remember_home ON role_assignments;
DROP FUNCTION role_assignments_remember_home();
DROP INDEX users_home_unit_idx;
ALTER TABLE users DROP COLUMN home_unit_id;
