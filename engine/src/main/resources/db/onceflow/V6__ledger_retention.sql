-- Ledger retention (ledger.retention.ms, `onceflow ledger prune`; docs/operations.md): committed
-- history older than the retention is deleted in small transactions, oldest batch first, whole
-- batches at a time (a batch with its tasks, so I3's task and offset counts still hold for every
-- batch that is left). What the pruner deleted is recorded here, in the transaction of each
-- delete, so the ledger's checks (LedgerAssertions) and the status page know where the kept
-- history starts.
--
-- Neither table has a foreign key to onceflow.jobs: a key check takes a KEY SHARE lock on the job
-- row, which an offset reset locks FOR UPDATE; the pruner must never wait on, or make wait, a row
-- that the protocol locks (offsets, planned tasks, the job row). LedgerAdmin.deleteJob removes
-- their rows with the job's.
--
-- No new index: every prune query is served by a primary key prefix (batches and tasks by
-- (job, batch_id), the planned-tasks index for the first uncommitted batch).

-- One row per job: every batch up to through_batch is deleted, with its tasks.
CREATE TABLE onceflow.retention (
  job                 text PRIMARY KEY,
  through_batch       bigint NOT NULL DEFAULT 0,
  through_planned_at  timestamptz,                -- when batch through_batch was planned
  batches_pruned      bigint NOT NULL DEFAULT 0,
  tasks_pruned        bigint NOT NULL DEFAULT 0,
  workers_pruned      bigint NOT NULL DEFAULT 0,
  last_pruned_at      timestamptz                 -- the last transaction that deleted something
);

-- One row per partition that lost history: its committed tasks up to batch through_batch are
-- deleted, and the last of them ended at pruned_until. When through_batch is above the batch of
-- the partition's last offset reset (offset_resets.after_batch), the partition's kept history
-- starts at pruned_until instead of offsets.start_offset (I1 is checked from there).
CREATE TABLE onceflow.retention_partitions (
  job            text NOT NULL,
  topic          text NOT NULL,
  partition      int NOT NULL,
  pruned_until   bigint NOT NULL,
  through_batch  bigint NOT NULL,
  tasks_pruned   bigint NOT NULL,
  offsets_pruned bigint NOT NULL,             -- sum of until - from of the deleted tasks
  records_pruned bigint NOT NULL,             -- sum of their records
  pruned_at      timestamptz NOT NULL,
  PRIMARY KEY (job, topic, partition)
);
