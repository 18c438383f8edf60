package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.onceflow.runtime.Engine;
import io.onceflow.testkit.JobUnderTest;
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
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records of an aborted Kafka transaction never reach the job; the offsets they and the
 * transaction markers occupy are still covered by committed ranges (gaps are tolerated).
 */
@ExtendWith(RealServers.class)
class KafkaTransactionsIT {
  @Test
  void recordsOfAnAbortedTransactionNeverReachTheJob(TestKafka kafka, TestDatabase db) throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic("txn"), 1);
    JobUnderTest job = JobUnderTest.of(RecordingJob.class, kafka, db).topics(topic).set("job.name", "txn");
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("transactional.id", "onceflow-it-" + System.nanoTime());
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      send(producer, topic, "committed-1", 3, true);
      send(producer, topic, "aborted", 4, false);
      send(producer, topic, "committed-2", 2, true);
    }
    // 3 + 4 + 2 records and 3 transaction markers: offsets 0..11.
    long end = 12;
    try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL)) {
      job.awaitCommitted(end, Duration.ofMinutes(2), () -> engine.failure().map(Throwable::toString).orElse(""));
    }
    List<String> seen = new ArrayList<>();
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT value FROM seen ORDER BY \"offset\"")) {
      while (rs.next()) {
        seen.add(rs.getString(1));
      }
    }
    assertEquals(
        List.of("committed-1-0", "committed-1-1", "committed-1-2", "committed-2-0", "committed-2-1"),
        seen);
    job.assertLedger();
  }

  /**
   * A transaction left open freezes the last stable offset: the lag reads 0 while the partition
   * is stuck. The high watermark, shown beside the end, tells it (issue 12).
   */
  @Test
  void anOpenTransactionShowsAsAHighWatermarkAboveTheEnd(TestKafka kafka, TestDatabase db, @TempDir Path dir)
      throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic("txn_open"), 1);
    JobUnderTest job = JobUnderTest.of(RecordingJob.class, kafka, db).topics(topic).set("job.name", "txn_open");
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("transactional.id", "onceflow-it-open-" + System.nanoTime());
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      send(producer, topic, "committed", 3, true); // offsets 0..2, marker at 3
      producer.beginTransaction();
      for (int i = 0; i < 4; i++) {
        producer.send(new ProducerRecord<>(topic, 0, "k", "open-" + i)); // offsets 4..7, open
      }
      producer.flush();
      try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL)) {
        job.awaitCommitted(4, Duration.ofMinutes(2), () -> engine.failure().map(Throwable::toString).orElse(""));
        Path config = job.writeConfig(dir);
        String row = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
          OnceflowCommand.Run shown = OnceflowCommand.run("offsets", "show", "-c", config.toString());
          row = shown.out().lines().filter(l -> l.contains(topic + "-0")).findFirst().orElse(shown.out());
          if (row.trim().split("\\s+").length == 8) {
            break;
          }
          Thread.sleep(200);
        }
        String[] cells = row.trim().split("\\s+"); // PARTITION START COMMITTED PLANNED END HW LAG STATE
        assertEquals(List.of("4", "4", "8", "0", "ok"),
            List.of(cells[2], cells[4], cells[5], cells[6], cells[7]),
            "committed and end at the open transaction, high watermark past it, lag 0: " + row);
        long deadlineDriver = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (engine.driver().orElseThrow().highWatermarks().isEmpty() && System.nanoTime() < deadlineDriver) {
          Thread.sleep(100);
        }
        assertEquals(8L, engine.driver().orElseThrow().highWatermarks().values().iterator().next(),
            "the driver reads it too, for the status page and onceflow_partition_unstable_records");
        producer.commitTransaction(); // offsets 4..7 and the marker at 8 become stable
        job.awaitCommitted(9, Duration.ofMinutes(2), () -> engine.failure().map(Throwable::toString).orElse(""));
      }
    }
    job.assertLedger();
  }

  private static void send(
      KafkaProducer<String, String> producer, String topic, String prefix, int count, boolean commit) {
    producer.beginTransaction();
    for (int i = 0; i < count; i++) {
      producer.send(new ProducerRecord<>(topic, 0, "k", prefix + "-" + i));
    }
    if (commit) {
      producer.commitTransaction();
    } else {
      producer.flush();
      producer.abortTransaction();
    }
  }
}
