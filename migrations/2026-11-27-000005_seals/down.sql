DROP TABLE journal_seals;
DROP TRIGGER journal_entries_queue_seal ON journal_entries;
DROP FUNCTION journal_entries_queue_seal();
DROP TABLE seal_queue;
