DROP TABLE statement_lines;
DROP TABLE bank_statements;
