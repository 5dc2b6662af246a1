DROP TRIGGER statement_lines_guard ON statement_lines;
DROP FUNCTION statement_lines_guard();
DROP TRIGGER statement_lines_no_truncate ON statement_lines;
DROP TRIGGER statement_lines_no_delete ON statement_lines;
DROP TRIGGER bank_statements_no_truncate ON bank_statements;
DROP TRIGGER bank_statements_append_only ON bank_statements;
