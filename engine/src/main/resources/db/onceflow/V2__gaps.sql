-- Offsets of a planned range that Kafka had deleted (retention) before a worker read them, with
-- source.deleted.offsets=skip. Written in the transaction that commits the task, so a gap exists
-- exactly when its task is committed: the task's range is still the planned one (I3), and the
-- records the job saw plus the gaps cover it (I1, I2).
CREATE TABLE onceflow.gaps (
  job          text NOT NULL,
  batch_id     bigint NOT NULL,
  topic        text NOT NULL,
  partition    int NOT NULL,
  from_offset  bigint NOT NULL,
  until_offset bigint NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job, topic, partition, from_offset),
  CHECK (until_offset > from_offset)
);
