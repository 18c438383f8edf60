package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.runtime.Engine;
import io.onceflow.testkit.JobProcess;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.LedgerAssertions;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention deleted records after the driver planned them but before a worker read them
 * (simulated deterministically with {@code Admin.deleteRecords}): by default the worker stops
 * with an error naming the partition and the missing offsets; with {@code
 * source.deleted.offsets=skip} the gap is recorded with its task and the rest is processed once.
 */
@ExtendWith(RealServers.class)
class DeletedOffsetsIT {
  private static final int N = 3_000;
  private static final long DELETED_BEFORE = 1_500;

  @TempDir Path dir;

  @Test
  void byDefaultAWorkerStopsWithExitCode1NamingTheMissingRange(TestKafka kafka, TestDatabase db) throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic("deleted_fail"), 1);
    JobUnderTest job = job("deleted_fail", kafka, topic, db);
    try (Engine driver = Engine.start(job.config(), Engine.Role.DRIVER)) {
      planThenDelete(kafka, topic, db);
      try (JobProcess worker = OnceflowCommand.start("worker", "worker", job.writeConfig(dir), Map.of())) {
        assertEquals(1, worker.awaitExit(Duration.ofMinutes(2)), worker.tail());
        String out = worker.output();
        assertTrue(out.contains("worker failed: Offsets " + topic + "-0[0,1000) are no longer in Kafka"), out);
        assertTrue(out.contains("source.deleted.offsets=skip"), out);
      }
    }
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT until_offset FROM onceflow.offsets")) {
      rs.next();
      assertEquals(0, rs.getLong(1), "nothing was committed");
      LedgerAssertions.assertInvariants(c, job.name()); // a stopped job may leave planned tasks
    }
  }

  @Test
  void withSkipTheGapIsRecordedWithItsTaskAndTheRestIsProcessedOnce(TestKafka kafka, TestDatabase db)
      throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic("deleted_skip"), 1);
    JobUnderTest job = job("deleted_skip", kafka, topic, db).set("source.deleted.offsets", "skip");
    try (Engine driver = Engine.start(job.config(), Engine.Role.DRIVER)) {
      planThenDelete(kafka, topic, db);
      try (Engine worker = Engine.start(job.config(), Engine.Role.WORKER)) {
        job.awaitCommitted(N, Duration.ofMinutes(2), () -> worker.failure().map(String::valueOf).orElse(""));
      }
    }
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      List<String> gaps = new ArrayList<>();
      try (ResultSet rs = st.executeQuery(
          "SELECT batch_id, from_offset, until_offset FROM onceflow.gaps ORDER BY from_offset")) {
        while (rs.next()) {
          gaps.add(rs.getLong(1) + ":[" + rs.getLong(2) + "," + rs.getLong(3) + ")");
        }
      }
      assertEquals(List.of("1:[0,1000)", "2:[1000,1500)"), gaps);
      try (ResultSet rs = st.executeQuery(
          "SELECT count(*), count(DISTINCT \"offset\"), min(\"offset\") FROM seen")) {
        rs.next();
        assertEquals(N - DELETED_BEFORE, rs.getLong(1), "every record Kafka still had, applied");
        assertEquals(N - DELETED_BEFORE, rs.getLong(2), "each once");
        assertEquals(DELETED_BEFORE, rs.getLong(3), "nothing from the gap");
      }
    }
    job.assertLedger();
  }

  /** {@link RecordingJob} on {@code topic}, which gets N records in partition 0. */
  private static JobUnderTest job(String name, TestKafka kafka, String topic, TestDatabase db) {
    JobUnderTest job = JobUnderTest.of(RecordingJob.class, kafka, db).topics(topic).set("job.name", name)
        .set("value.format", "string").set("batch.max.records.per.partition", "1000")
        .set("worker.threads", "1");
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < N; i++) {
        producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i));
      }
    }
    return job;
  }

  /** Waits until the driver planned the first two tasks from offset 0, then deletes [0, 1500). */
  private static void planThenDelete(TestKafka kafka, String topic, TestDatabase db) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (plannedTasks(db) < 2) {
      assertTrue(System.nanoTime() < deadline, "the driver planned nothing");
      TimeUnit.MILLISECONDS.sleep(100);
    }
    kafka.adminClient()
        .deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(DELETED_BEFORE)))
        .all()
        .get(30, TimeUnit.SECONDS);
  }

  private static long plannedTasks(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM onceflow.tasks")) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      return 0; // the ledger is not there yet
    }
  }
}
