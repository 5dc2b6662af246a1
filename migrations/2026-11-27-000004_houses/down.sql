DROP TABLE house_contributions;
DROP TABLE house_payments;
DELETE FROM spending_transitions WHERE kind = 'houses';
DROP TABLE houses;
DROP FUNCTION houses_guard();
DROP FUNCTION housing_norm(uuid, text, date);
DROP TABLE housing_norms;
DROP TABLE attachments;
