-- As SQLite's 0023: no index on the outcome of a job's rows (docs/decisions/0027).
DROP INDEX "leaver_job_rows_outcome_idx";
