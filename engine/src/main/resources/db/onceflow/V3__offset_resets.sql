-- Every offset reset an operator made (`onceflow offsets reset`), one row per partition moved,
-- written in the reset's own transaction: the ledger explains every jump of start_offset.
-- Tasks of batches up to after_batch belong to the partition's history before the reset; the
-- invariants (I1, I3) hold for the tasks planned after it.
CREATE TABLE onceflow.offset_resets (
  id                      bigserial PRIMARY KEY,
  job                     text NOT NULL REFERENCES onceflow.jobs (job),
  topic                   text NOT NULL,
  partition               int NOT NULL,
  from_offset             bigint NOT NULL,   -- the committed offset before the reset
  to_offset               bigint NOT NULL,   -- the new start and committed offset
  after_batch             bigint NOT NULL,   -- the job's highest batch id at the reset
  leader_epoch            bigint NOT NULL,   -- the job's epoch after the reset's bump
  planned_tasks_removed   int NOT NULL,
  committed_tasks_removed int NOT NULL,      -- moving backwards: history at or after to_offset
  dead_letters_removed    int NOT NULL,
  gaps_removed            int NOT NULL,
  reset_by                text NOT NULL,
  reset_at                timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX offset_resets_job ON onceflow.offset_resets (job, topic, partition);
