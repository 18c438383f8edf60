package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.onceflow.runtime.Engine;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
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
