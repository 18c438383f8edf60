package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.testkit.JobProcess;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topics that go away or come back as another log under a running job (issue 12). Real {@code
 * onceflow run} processes, the forked KRaft broker and the local PostgreSQL; ground truth is the
 * set of values the test produced, each unique, so a skipped or repeated record shows.
 */
@ExtendWith(RealServers.class)
class TopicIdentityIT {
  private static final Pattern STATUS_URL = Pattern.compile("Status page at (http://[^/\\s]+)/");
  private static final int PARTITIONS = 4;

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  /**
   * The report: 20,000 records read, the job stopped, the topic deleted and created
   * again with 30,000 records, the job started again. Before topic IDs it went on at the old
   * offsets in the new log and skipped 20,000 records without a word.
   */
  @Test
  void aRecreatedTopicHaltsEveryPartitionCommitsNothingOfTheNewLogUntilAResetThenReadsItOnce(
      TestKafka kafka, TestDatabase db) throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic("recreated"), PARTITIONS);
    JobUnderTest job = job("recreated", kafka, db).topics(topic).set("http.port", "0");
    produce(kafka, topic, "old-", 20_000);
    assertEquals(20_000, job.endOffsets(), "produced");
    Path config = job.writeConfig(dir);
    try (JobProcess p = OnceflowCommand.start("first", "run", config, Map.of())) {
      job.awaitCommitted(20_000, Duration.ofMinutes(2), p::tail);
      assertEquals(0, p.terminate(Duration.ofSeconds(60)), p.tail());
    }

    recreate(kafka, topic);
    produce(kafka, topic, "new-", 30_000);
    assertEquals(30_000, job.endOffsets(), "produced into the new topic");

    try (JobProcess p = OnceflowCommand.start("halted", "run", config, Map.of())) {
      awaitHalted(db, job.name(), PARTITIONS, p);
      String out = p.output();
      for (int i = 0; i < PARTITIONS; i++) {
        assertTrue(out.contains("partition " + topic + "-" + i + ": Partition " + topic + "-" + i
            + " halted: topic " + topic + " was deleted and created again"), out);
      }
      assertTrue(out.contains("onceflow offsets reset"), "the ERROR says what to run");
      Matcher m = STATUS_URL.matcher(out);
      assertTrue(m.find(), p.tail());
      String health = get(m.group(1) + "/health");
      assertTrue(health.contains("\"status\":\"DEGRADED\"") && health.contains(topic + "-3"), health);
      String metrics = get(m.group(1) + "/metrics");
      assertTrue(metrics.contains("onceflow_halted_partitions{job=\"recreated\"} 4.0"), metrics);
      String status = get(m.group(1) + "/api/status");
      assertTrue(status.contains("\"halted\":\"Partition " + topic + "-0 halted"), status);
      TimeUnit.SECONDS.sleep(3); // the job keeps running: nothing of the new log may commit
      assertEquals(20_000, count(db, "SELECT count(*) FROM values_seen"));
      assertEquals(0, count(db, "SELECT count(*) FROM values_seen WHERE value LIKE 'new-%'"));
      assertEquals(20_000, job.committedOffsets());
      assertTrue(p.isAlive(), "a halted partition stops the partition, not the process");
      assertEquals(0, p.terminate(Duration.ofSeconds(60)), p.tail());
    }

    OnceflowCommand.Run shown = OnceflowCommand.run("status", "-c", config.toString());
    assertTrue(shown.out().contains("HALTED " + topic + "-2: Partition " + topic + "-2 halted"), shown.out());

    OnceflowCommand.Run reset =
        OnceflowCommand.run("offsets", "reset", "-c", config.toString(), "--topic", topic, "--to", "earliest", "--execute");
    assertEquals(0, reset.exit(), reset.out() + reset.err());
    assertTrue(reset.out().contains(topic + "-0: halt lifted; planning resumes at 0"), reset.out());

    try (JobProcess p = OnceflowCommand.start("after-reset", "run", config, Map.of())) {
      job.awaitCommitted(30_000, Duration.ofMinutes(2), p::tail);
      assertEquals(0, p.terminate(Duration.ofSeconds(60)), p.tail());
    }
    assertEquals(50_000, count(db, "SELECT count(*) FROM values_seen"), "every old and new value, once");
    assertEquals(30_000, count(db, "SELECT count(*) FROM values_seen WHERE value LIKE 'new-%'"));
    assertEquals(0, count(db, "SELECT count(*) FROM onceflow.dead_letters"), "no value applied twice");
    assertEquals(PARTITIONS, count(db, "SELECT count(*) FROM onceflow.partition_halts"
        + " WHERE kind = 'recreated' AND cleared_at IS NOT NULL"), "the halts are kept, cleared");
    assertEquals(0, count(db, "SELECT count(*) FROM onceflow.offsets WHERE halted_at IS NOT NULL"
        + " OR topic_id IS NULL"));
    job.assertLedger();
  }

  /**
   * A pattern job whose topic is deleted while it has tasks planned: they are retired (they held
   * the batch slots, so the other topic stopped being planned), the partitions halt as deleted,
   * and the other topic goes on.
   */
  @Test
  void aDeletedTopicsPlannedTasksAreRetiredAndTheOtherTopicGoesOn(TestKafka kafka, TestDatabase db)
      throws Exception {
    String prefix = TestKafka.uniqueTopic("pattern");
    String doomed = kafka.createTopic(prefix + "_doomed", 2);
    String kept = kafka.createTopic(prefix + "_kept", 2);
    JobUnderTest job = job("pattern", kafka, db).set("source.pattern", Pattern.quote(prefix) + "_.*")
        .set("batch.max.records.per.partition", "500");
    produce(kafka, doomed, "doomed-", 10_000);
    produce(kafka, kept, "kept-", 2_000);
    Path config = job.writeConfig(dir);
    // The driver alone plans two batches ahead on every partition; no worker runs them.
    try (JobProcess driver = OnceflowCommand.start("driver", "driver", config, Map.of())) {
      awaitCount(db, "SELECT count(*) FROM onceflow.tasks WHERE state = 'planned' AND topic = '" + doomed + "'", 4, driver);
      assertEquals(0, driver.terminate(Duration.ofSeconds(60)), driver.tail());
    }
    kafka.adminClient().deleteTopics(List.of(doomed)).all().get(30, TimeUnit.SECONDS);
    produce(kafka, kept, "kept-", 2_000, 2_000);

    try (JobProcess p = OnceflowCommand.start("pattern", "run", config, Map.of())) {
      awaitHalted(db, job.name(), 2, p);
      job.awaitCommitted(4_000, Duration.ofMinutes(2), p::tail);
      String out = p.output();
      assertTrue(out.contains("Partition " + doomed + "-0 halted: topic " + doomed
          + " no longer exists in Kafka"), out);
      assertEquals(0, p.terminate(Duration.ofSeconds(60)), p.tail());
    }
    assertEquals(4, count(db, "SELECT count(*) FROM onceflow.tasks WHERE state = 'retired'"));
    assertEquals(4, count(db, "SELECT sum(tasks_retired) FROM onceflow.partition_halts WHERE kind = 'deleted'"));
    assertEquals(4_000, count(db, "SELECT count(*) FROM values_seen WHERE value LIKE 'kept-%'"));
    assertEquals(0, count(db, "SELECT count(*) FROM values_seen WHERE value LIKE 'doomed-%'"));

    // The operator's way out for a partition Kafka no longer knows: moved to 0, halt lifted.
    OnceflowCommand.Run reset =
        OnceflowCommand.run("offsets", "reset", "-c", config.toString(), "--topic", doomed, "--to", "earliest", "--execute");
    assertEquals(0, reset.exit(), reset.out() + reset.err());
    assertTrue(reset.out().contains(doomed + "-1: Kafka does not know this partition"), reset.out());
    assertEquals(0, count(db, "SELECT count(*) FROM onceflow.offsets WHERE halted_at IS NOT NULL"));
    assertEquals(0, count(db, "SELECT count(*) FROM onceflow.tasks WHERE state = 'retired'"));
    job.assertLedger();
  }

  private static JobUnderTest job(String name, TestKafka kafka, TestDatabase db) {
    return JobUnderTest.of(ValueSetJob.class, kafka, db).set("job.name", name)
        .set("value.format", "string").set("batch.max.records.per.partition", "2000")
        .set("batch.interval.ms", "200").set("source.starting", "earliest").set("worker.threads", "4");
  }

  /** Deletes the topic and creates it again, with the same name and partition count. */
  private static void recreate(TestKafka kafka, String topic) throws Exception {
    kafka.adminClient().deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        kafka.createTopic(topic, PARTITIONS);
        return;
      } catch (RuntimeException e) {
        boolean stillThere = e instanceof TopicExistsException || String.valueOf(e).contains("TopicExists")
            || String.valueOf(e.getCause()).contains("TopicExists");
        if (!stillThere || System.nanoTime() > deadline) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(200);
      }
    }
  }

  private static void produce(TestKafka kafka, String topic, String prefix, int n)
      throws InterruptedException {
    produce(kafka, topic, prefix, 0, n);
  }

  /**
   * Values prefix + i for i in [from, from + n), spread over the partitions by key. A send that
   * fails is sent again (a producer right after a topic's re-creation may be refused a few times
   * while the broker learns the new topic ID), so every value is in Kafka once done.
   */
  private static void produce(TestKafka kafka, String topic, String prefix, int from, int n)
      throws InterruptedException {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("enable.idempotence", "true");
    // A send the broker keeps refusing fails in seconds, not after the default two minutes.
    p.put("delivery.timeout.ms", "10000");
    p.put("request.timeout.ms", "5000");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      List<Integer> pending = java.util.stream.IntStream.range(from, from + n).boxed().toList();
      for (int round = 0; !pending.isEmpty(); round++) {
        assertTrue(round < 20, "could not produce " + pending.size() + " values to " + topic);
        java.util.Queue<Integer> failed = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int i : pending) {
          producer.send(new ProducerRecord<>(topic, "k" + i, prefix + i), (meta, e) -> {
            if (e != null) {
              failed.add(i);
            }
          });
        }
        producer.flush();
        pending = List.copyOf(failed);
        if (!pending.isEmpty()) {
          TimeUnit.MILLISECONDS.sleep(500);
        }
      }
    }
  }

  private static void awaitHalted(TestDatabase db, String job, int partitions, JobProcess p) throws Exception {
    awaitCount(db, "SELECT count(*) FROM onceflow.offsets WHERE job = '" + job + "' AND halted_at IS NOT NULL",
        partitions, p);
  }

  private static void awaitCount(TestDatabase db, String sql, long expected, JobProcess p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long seen = -1;
    while (System.nanoTime() < deadline) {
      seen = count(db, sql);
      if (seen >= expected) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new AssertionError("waited for " + expected + " from " + sql + ", saw " + seen + "\n" + p.tail());
  }

  private static long count(TestDatabase db, String sql) throws SQLException {
    try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return 0; // not created yet
      }
      throw e;
    }
  }

  private String get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
