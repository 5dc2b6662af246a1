DROP TRIGGER journal_seals_link ON journal_seals;
DROP FUNCTION journal_seals_link();
