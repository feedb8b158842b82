-- A 90,000-row job recorded its outcomes into this index at random places, batch after batch: ~1 s of
-- its 8 (docs/decisions/0027). A page of one outcome reads the job's rows by primary key instead.
DROP INDEX `leaver_job_rows_outcome_idx`;
