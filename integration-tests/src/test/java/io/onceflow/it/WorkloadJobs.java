package io.onceflow.it;

import io.onceflow.api.Job;
import io.onceflow.examples.Workload;
import io.onceflow.examples.WorkloadProducer;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;

/**
 * The examples' workload (bench/WORKLOAD.md) in the engine's tests: a job class that reads it, as a
 * test kit {@link JobUnderTest}, and its records written to a topic. What the test kit cannot know:
 * these jobs read bytes, and the tests cap batches at 2,000 records per partition so that a few
 * thousand records make several batches and tasks.
 */
final class WorkloadJobs {
  private WorkloadJobs() {}

  /** {@code jobClass} named {@code name}, reading {@code topic}, on a test database. */
  static JobUnderTest job(
      String name, Class<? extends Job<?>> jobClass, TestKafka kafka, String topic, TestDatabase db) {
    return job(name, jobClass, kafka, topic, db.jdbcUrl());
  }

  /** The same on a database the test runs itself (one it restarts). */
  static JobUnderTest job(
      String name, Class<? extends Job<?>> jobClass, TestKafka kafka, String topic, String jdbcUrl) {
    return JobUnderTest.of(jobClass, kafka, jdbcUrl)
        .topics(topic)
        .set("job.name", name)
        .set("value.format", "bytes")
        .set("batch.max.records.per.partition", "2000");
  }

  /** Writes records {@code from} … {@code from + count - 1} of the workload; returns the count. */
  static long produce(TestKafka kafka, String topic, Workload workload, long from, long count) {
    try (WorkloadProducer producer = WorkloadProducer.connect(kafka.bootstrapServers(), topic, workload)) {
      return producer.produce(from, count);
    }
  }
}
