-- Exactly-once output to Kafka (docs/outbox.md). A job's emitted records are written here in the
-- task's own transaction, so they commit with the task's results and offsets or not at all; the
-- leading driver's relay publishes them with a transactional Kafka producer.
--
-- Order. Records are grouped in streams, one per source partition, and numbered by seq within
-- their stream. The numbers are taken from offsets.outbox_seq with an UPDATE of the partition's
-- offsets row, the row the task's fence already holds locked until COMMIT: so a transaction that
-- takes higher numbers commits after every transaction that took lower ones, and a relay that
-- reads a stream in seq order never sees a gap close behind it. (A global sequence would not do:
-- its numbers are not commit order.) A rolled-back transaction gives its numbers back with its
-- UPDATE.
ALTER TABLE onceflow.offsets ADD COLUMN outbox_seq bigint NOT NULL DEFAULT 0;

-- No foreign key to jobs or offsets: a key check would take a KEY SHARE lock on rows the protocol
-- locks (see V6). LedgerAdmin.deleteJob removes the rows with the job's.
CREATE TABLE onceflow.outbox (
  job               text NOT NULL,
  source_topic      text NOT NULL,
  source_partition  int NOT NULL,
  seq               bigint NOT NULL,
  batch_id          bigint NOT NULL,              -- the task that emitted it, for messages
  source_from       bigint NOT NULL,
  topic             text NOT NULL,                -- where it goes
  partition         int,                          -- null: Kafka's partitioner picks one by key
  record_key        bytea,
  record_value      bytea,
  headers           jsonb,                        -- [{"key":…,"value":base64}], as dead_letters
  emitted_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job, source_topic, source_partition, seq)
);

-- What the relay has published, per stream. The relay's own record of progress is in Kafka, in
-- the same transaction as the records (outbox.progress.topic); this copy is written after that
-- transaction commits and deletes the published rows with it: it may lag behind Kafka, never
-- lead. The status page and the pending-records gauge read it.
CREATE TABLE onceflow.outbox_relayed (
  job               text NOT NULL,
  source_topic      text NOT NULL,
  source_partition  int NOT NULL,
  relayed_seq       bigint NOT NULL,
  relayed_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job, source_topic, source_partition)
);

-- Names this ledger's incarnation of the job in the relay's progress records in Kafka: a job
-- deleted and created again, or a ledger database created afresh, numbers its streams from 1
-- again, and must not be taken for the one whose progress Kafka still holds.
ALTER TABLE onceflow.jobs ADD COLUMN outbox_incarnation uuid NOT NULL DEFAULT gen_random_uuid();
