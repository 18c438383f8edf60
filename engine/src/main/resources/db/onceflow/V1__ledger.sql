-- The ledger: the engine's checkpoint, kept in the sink database so that a task's results and
-- the offsets it consumed commit in one transaction. See DESIGN.md section 3.

-- One row per job. leader_epoch fences planning: every planning transaction updates this row
-- WHERE leader_epoch = <the planner's epoch>, so a driver that lost its advisory lock cannot plan.
CREATE TABLE onceflow.jobs (
  job          text PRIMARY KEY,
  lock_key     serial UNIQUE NOT NULL,      -- advisory lock id: collision-free, unlike a hash of the name
  sources      text NOT NULL,               -- topics or pattern, to refuse a second config under the same name
  job_class    text NOT NULL,
  leader_epoch bigint NOT NULL DEFAULT 0,
  leader       text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  planned_at   timestamptz
);

-- The committed position of each partition: until_offset is the next offset to process.
-- Moved only by the fence UPDATE of a task transaction (or an offset reset).
CREATE TABLE onceflow.offsets (
  job          text NOT NULL REFERENCES onceflow.jobs (job),
  topic        text NOT NULL,
  partition    int NOT NULL,
  start_offset bigint NOT NULL,             -- where the job started this partition: the origin of I1
  until_offset bigint NOT NULL,
  batch_id     bigint,                      -- batch of the last committed task
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job, topic, partition),
  CHECK (until_offset >= start_offset)
);

-- The plan log: one row per batch, never changed after it is written (I3).
CREATE TABLE onceflow.batches (
  job          text NOT NULL REFERENCES onceflow.jobs (job),
  batch_id     bigint NOT NULL,
  epoch        bigint NOT NULL,
  planned_at   timestamptz NOT NULL DEFAULT now(),
  task_count   int NOT NULL,
  offset_count bigint NOT NULL,
  PRIMARY KEY (job, batch_id)
);

-- The queue: one row per task (one partition's range of one batch). The unique key on
-- (job, topic, partition, from_offset) makes a second plan of the same range impossible.
CREATE TABLE onceflow.tasks (
  job           text NOT NULL,
  batch_id      bigint NOT NULL,
  topic         text NOT NULL,
  partition     int NOT NULL,
  from_offset   bigint NOT NULL,
  until_offset  bigint NOT NULL,
  state         text NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'committed')),
  attempts      int NOT NULL DEFAULT 0,
  lease_holder  text,
  lease_until   timestamptz,
  started_at    timestamptz,
  committed_at  timestamptz,
  records       int,
  dead_letters  int,
  last_error    text,
  PRIMARY KEY (job, batch_id, topic, partition),
  UNIQUE (job, topic, partition, from_offset),
  FOREIGN KEY (job, batch_id) REFERENCES onceflow.batches (job, batch_id),
  CHECK (until_offset > from_offset)
);
CREATE INDEX tasks_planned ON onceflow.tasks (job, batch_id) WHERE state = 'planned';

-- Records that could not be deserialized or processed, committed with their task.
CREATE TABLE onceflow.dead_letters (
  id            bigserial PRIMARY KEY,
  job           text NOT NULL,
  batch_id      bigint NOT NULL,
  topic         text NOT NULL,
  partition     int NOT NULL,
  "offset"      bigint NOT NULL,
  record_key    bytea,
  record_value  bytea,
  headers       jsonb,
  error_class   text NOT NULL,
  error_message text,
  attempts      int NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (job, topic, partition, "offset")
);

-- Live worker processes; identity is new at every process start.
CREATE TABLE onceflow.workers (
  worker_id    text PRIMARY KEY,
  job          text NOT NULL,
  host         text NOT NULL,
  pid          bigint NOT NULL,
  threads      int NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  stopped_at   timestamptz
);
