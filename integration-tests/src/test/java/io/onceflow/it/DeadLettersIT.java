package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.it.OnceflowCommand.Run;
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
 * {@code onceflow dead-letters list|show|replay} against a real ledger: a replay that fails again
 * changes nothing; one that succeeds applies each record once and removes its dead letter in the
 * same transaction, so a second replay finds nothing to apply.
 */
@ExtendWith(RealServers.class)
class DeadLettersIT {
  private static final int N = 2_000;
  private static final List<Long> POISON = List.of(5L, 1_200L, 1_999L);

  @TempDir Path dir;

  @Test
  void listShowAndReplayOnceTheJobIsFixed(TestKafka kafka, TestDatabase db) throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic("dead_letters_cli"), 1);
    JobUnderTest job = JobUnderTest.of(PoisonJob.class, kafka, db).topics(topic).set("job.name", "dead_letters_cli")
        .set("batch.max.records.per.partition", "1000")
        .set("worker.task.attempts", "1").set("worker.threads", "1");
    produce(kafka, topic);
    try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL)) {
      job.awaitCommitted(N, Duration.ofMinutes(2), () -> String.valueOf(engine.failure()));
    }
    Path config = job.writeConfig(dir);
    List<Long> ids = deadLetterIds(db);
    assertEquals(3, ids.size());

    Run list = OnceflowCommand.run("dead-letters", "list", "--config", config.toString());
    assertEquals(0, list.exit(), list.err());
    assertTrue(list.out().contains(topic + "-0@1200"), list.out());
    assertTrue(list.out().contains("cannot handle poison-1200"), list.out());
    assertTrue(list.out().contains("3 of 3 dead letters"), list.out());

    Run show = OnceflowCommand.run("dead-letters", "show", String.valueOf(ids.get(0)), "--config", config.toString());
    assertEquals(0, show.exit(), show.err());
    assertTrue(show.out().contains("record:    " + topic + "-0@5"), show.out());
    assertTrue(show.out().contains("value:     poison-5"), show.out());
    assertTrue(show.out().contains("key:       k5"), show.out());

    // The job is not fixed yet: the replay fails and nothing changes.
    Run failing = OnceflowCommand.run("dead-letters", "replay", String.valueOf(ids.get(1)), "--config", config.toString());
    assertEquals(1, failing.exit(), failing.out());
    assertTrue(failing.err().contains("Replay failed on #" + ids.get(1) + " " + topic + "-0@1200"), failing.err());
    assertTrue(failing.err().contains("cannot handle poison-1200") && failing.err().contains("Nothing changed"), failing.err());
    assertEquals(ids, deadLetterIds(db));
    assertEquals(N - POISON.size(), seen(db));

    // Fixed: one by id, then the rest with --all.
    job.param("accept.poison", "true");
    config = job.writeConfig(dir);
    Run one = OnceflowCommand.run("dead-letters", "replay", String.valueOf(ids.get(1)), "--config", config.toString());
    assertEquals(0, one.exit(), one.err());
    assertEquals(List.of(ids.get(0), ids.get(2)), deadLetterIds(db));
    Run rest = OnceflowCommand.run("dead-letters", "replay", "--all", "--config", config.toString());
    assertEquals(0, rest.exit(), rest.err());
    assertTrue(rest.out().contains("Replayed 2 dead letter(s)"), rest.out());
    assertEquals(List.of(), deadLetterIds(db));
    assertEquals(N, seen(db), "every record applied once: the primary key of seen would reject a second");

    Run again = OnceflowCommand.run("dead-letters", "replay", String.valueOf(ids.get(0)), "--config", config.toString());
    assertEquals(1, again.exit());
    assertTrue(again.err().contains("do not exist (replayed already?)"), again.err());
    assertEquals(N, seen(db));
  }

  private static List<Long> deadLetterIds(TestDatabase db) throws Exception {
    List<Long> ids = new ArrayList<>();
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id FROM onceflow.dead_letters ORDER BY \"offset\"")) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    }
    return ids;
  }

  private static long seen(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(DISTINCT \"offset\") FROM seen")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void produce(TestKafka kafka, String topic) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (long i = 0; i < N; i++) {
        producer.send(new ProducerRecord<>(topic, 0, "k" + i, (POISON.contains(i) ? "poison-" : "good-") + i));
      }
    }
  }
}
