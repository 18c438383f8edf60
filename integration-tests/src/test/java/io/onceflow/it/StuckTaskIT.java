package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.testkit.JobProcess;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job whose call never returns (issue 12): before {@code worker.task.timeout.ms} the lease
 * keeper renewed its lease as long as the process lived, and the partition stalled for good.
 * Real {@code onceflow run} processes; ground truth is the 5,000 values the test produced, each
 * applied once.
 */
@ExtendWith(RealServers.class)
class StuckTaskIT {
  private static final int N = 5_000;

  @TempDir Path dir;

  @Test
  void aJobBlockedInAnInterruptibleCallIsAbortedAtTheTimeLimitAndRetried(TestKafka kafka, TestDatabase db)
      throws Exception {
    assertAbortedOnceThenExactlyOnce(kafka, db, "hang-sleep");
  }

  @Test
  void aJobBlockedInTheDatabaseIsAbortedAtTheTimeLimitAndRetried(TestKafka kafka, TestDatabase db)
      throws Exception {
    assertAbortedOnceThenExactlyOnce(kafka, db, "hang-sql");
  }

  /**
   * Head of line: a partition whose task hangs holds up only itself. When batch.max.in.flight
   * counted batches, partition 1 stopped after two batches, waiting on partition 0's first.
   */
  @Test
  void aStuckPartitionDoesNotStallTheOthers(TestKafka kafka, TestDatabase db) throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic("stuck_one"), 2);
    JobUnderTest job = JobUnderTest.of(MisbehavingJob.class, kafka, db).topics(topic)
        .set("job.name", "stuck_one").set("value.format", "string")
        .set("batch.max.records.per.partition", "500").set("batch.max.in.flight", "2")
        .set("worker.threads", "2").set("worker.task.timeout.ms", "600000").param("mode", "hang-sleep");
    PoisonRecordsIT.produce(kafka, topic, 1_000, List.of(10L)); // partition 0 hangs at once
    produceTo(kafka, topic, 1, 5_000);
    try (JobProcess p = OnceflowCommand.start("stuck-one", "run", job.writeConfig(dir), Map.of())) {
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (committed(db, topic, 1) < 5_000) {
        assertTrue(System.nanoTime() < deadline,
            "partition 1 committed " + committed(db, topic, 1) + " of 5000 while 0 hangs\n" + p.tail());
        Thread.sleep(200);
      }
      assertEquals(0, committed(db, topic, 0), "partition 0 still hangs in its first task");
      assertEquals(0, p.terminate(Duration.ofSeconds(60)), p.tail());
    }
  }

  private static long committed(TestDatabase db, String topic, int partition) throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      return count(st, "SELECT coalesce(max(until_offset), 0) FROM onceflow.offsets WHERE topic = '"
          + topic + "' AND partition = " + partition);
    } catch (SQLException e) {
      return 0; // the ledger is not there yet
    }
  }

  private static void produceTo(TestKafka kafka, String topic, int partition, int n) {
    Properties props = new Properties();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < n; i++) {
        producer.send(new ProducerRecord<>(topic, partition, "k" + i, "good-p1-" + i));
      }
      producer.flush();
    }
  }

  private void assertAbortedOnceThenExactlyOnce(TestKafka kafka, TestDatabase db, String mode) throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic("stuck"), 1);
    JobUnderTest job = JobUnderTest.of(MisbehavingJob.class, kafka, db).topics(topic)
        .set("job.name", "stuck").set("value.format", "string")
        .set("batch.max.records.per.partition", "1000").set("worker.threads", "1")
        .set("worker.task.timeout.ms", "3000").param("mode", mode);
    PoisonRecordsIT.produce(kafka, topic, N, List.of(2_500L));
    try (JobProcess p = OnceflowCommand.start(mode, "run", job.writeConfig(dir), Map.of())) {
      job.awaitCommitted(N, Duration.ofMinutes(2), p::tail);
      String out = p.output();
      assertTrue(out.contains("past worker.task.timeout.ms=3000: aborting it"), out);
      assertTrue(out.contains("was aborted after worker.task.timeout.ms=3000 ms: the job did not"
          + " return in time") && out.contains("(failure 1/3)"), out);
      assertEquals(0, p.terminate(Duration.ofSeconds(60)), p.tail());
    }
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      assertEquals(N, count(st, "SELECT count(*) FROM seen"), "every record applied");
      assertEquals(N, count(st, "SELECT count(DISTINCT \"offset\") FROM seen"), "each once");
      assertEquals(0, count(st, "SELECT count(*) FROM onceflow.dead_letters"));
      assertEquals(1, count(st, "SELECT failures FROM onceflow.tasks WHERE from_offset = 2000"),
          "the timed-out attempt counts as the job's failure");
    }
    job.assertLedger();
  }

  private static long count(Statement st, String sql) throws Exception {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
