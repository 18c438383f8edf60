-- Topic identity (KIP-516): a topic deleted and re-created under the same name is another log,
-- whose offsets mean other records. The driver records each partition's topic ID when it first
-- plans it (or, for partitions recorded before this version, at its next plan) and compares it
-- before every plan; workers compare it after reading a task's records.
ALTER TABLE onceflow.offsets ADD COLUMN topic_id text;

-- A halted partition: its log is no longer the one the committed offset points into (topic
-- re-created, log truncated below the committed offset, topic or partition deleted). Nothing is
-- planned for it and no fence moves its offset (the fence requires halted_at IS NULL) until an
-- operator runs `onceflow offsets reset`, which clears the halt.
ALTER TABLE onceflow.offsets ADD COLUMN halted_at timestamptz;
ALTER TABLE onceflow.offsets ADD COLUMN halted_reason text;

-- A halted partition's planned tasks are retired in the driver's epoch-checked transaction: no
-- worker claims them and they hold no slot of batch.max.in.flight. Their rows stay, with the
-- reason in last_error, until a reset of the partition removes them.
ALTER TABLE onceflow.tasks DROP CONSTRAINT tasks_state_check;
ALTER TABLE onceflow.tasks ADD CONSTRAINT tasks_state_check
  CHECK (state IN ('planned', 'committed', 'retired'));

-- Every halt, kept after the reset that cleared it: the ledger explains why a partition stopped.
CREATE TABLE onceflow.partition_halts (
  id            bigserial PRIMARY KEY,
  job           text NOT NULL REFERENCES onceflow.jobs (job),
  topic         text NOT NULL,
  partition     int NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('recreated', 'truncated', 'deleted')),
  reason        text NOT NULL,
  committed_offset bigint NOT NULL,   -- the partition's committed offset when it halted
  tasks_retired int NOT NULL,
  leader_epoch  bigint NOT NULL,      -- the epoch of the driver that halted it
  halted_at     timestamptz NOT NULL DEFAULT now(),
  cleared_at    timestamptz           -- set by the offset reset that lifted the halt
);
CREATE INDEX partition_halts_job ON onceflow.partition_halts (job, topic, partition);
