package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.onceflow.api.LedgerInconsistencyException;
import io.onceflow.api.OffsetRange;
import io.onceflow.it.OnceflowCommand.Run;
import io.onceflow.ledger.ClaimedTask;
import io.onceflow.ledger.Database;
import io.onceflow.ledger.LedgerRetention;
import io.onceflow.ledger.LedgerSchema;
import io.onceflow.ledger.TaskFence;
import io.onceflow.runtime.Engine;
import io.onceflow.testkit.JobProcess;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.LedgerAssertions;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.function.BiFunction;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Ledger retention ({@code ledger.retention.ms}, {@code onceflow ledger prune}) on a real {@code
 * onceflow run} process: thousands of tiny batches, a retention of two seconds. The task and batch
 * tables stay bounded while the sink matches ground truth computed without the engine, the ledger
 * keeps I1–I3 over what is left (its checks start where the pruned prefix ends), and {@code
 * onceflow status} and {@code /api/status} stay fast and say what was pruned. Without pruning the
 * tables hold every batch ever planned, and the test fails.
 */
@ExtendWith(RealServers.class)
class LedgerRetentionIT {
  private static final int PARTITIONS = 4;
  /** Records per partition per task: tiny batches, so a few seconds make thousands. */
  private static final int CAP = 3;
  private static final Duration TIMEOUT = Duration.ofMinutes(4);
  private static final Pattern STATUS_URL = Pattern.compile("Status page at (http://[^/\\s]+)/");

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void tablesStayBoundedOverThousandsOfBatchesAndTheLedgerStillChecksOut(TestKafka kafka, TestDatabase db)
      throws Exception {
    int perPartition = 6_000; // 2,000 tasks per partition: 8,000 tasks in at least 2,000 batches
    String topic = kafka.createTopic(TestKafka.uniqueTopic("retention"), PARTITIONS);
    JobUnderTest job = smallBatches(kafka, topic, db, "retention_run")
        .set("ledger.retention.ms", "2000")
        .set("ledger.retention.interval.ms", "500")
        .set("ledger.retention.chunk.rows", "100")
        .set("http.port", "0");
    produce(kafka, topic, 0, perPartition / 2);
    Path config = job.writeConfig(Files.createTempDirectory("retention-it"));

    List<Long> statusMs = new ArrayList<>();
    List<Long> apiMs = new ArrayList<>();
    long maxBatches = 0;
    long maxTasks = 0;
    try (JobProcess run = OnceflowCommand.start("retention-run", "run", config, Map.of())) {
      run.awaitOutput("Status page at", Duration.ofMinutes(1));
      Matcher m = STATUS_URL.matcher(run.output());
      assertTrue(m.find(), run.tail());
      String base = m.group(1);
      boolean secondHalf = false;
      long total = (long) PARTITIONS * perPartition;
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      long nextStatus = 0;
      while (job.committedOffsets() < total || pending(db) > 0) {
        assertTrue(System.nanoTime() < deadline, "not caught up in time: " + run.tail());
        assertTrue(run.isAlive(), run.tail());
        if (!secondHalf && job.committedOffsets() >= total / 4) {
          produce(kafka, topic, perPartition / 2, perPartition); // records arriving while it runs
          secondHalf = true;
        }
        long[] rows = rows(db);
        maxBatches = Math.max(maxBatches, rows[0]);
        maxTasks = Math.max(maxTasks, rows[1]);
        if (System.nanoTime() > nextStatus) {
          statusMs.add(timeStatus(config));
          apiMs.add(timeApi(base));
          nextStatus = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
      long planned = newestBatch(db);
      // Idle now: within a few retention intervals everything but the newest batch goes.
      long idleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (rows(db)[0] > 1 && System.nanoTime() < idleDeadline) {
        TimeUnit.MILLISECONDS.sleep(200);
      }
      long[] after = rows(db);
      statusMs.add(timeStatus(config));
      apiMs.add(timeApi(base));
      JsonNode status = new ObjectMapper().readTree(get(base + "/api/status"));
      Run text = OnceflowCommand.run("status", "-c", config.toString());
      assertEquals(0, run.terminate(Duration.ofSeconds(30)), run.tail());

      System.out.printf(
          "retention: %d batches (%d tasks) planned; ledger held at most %d batches / %d tasks while"
              + " running, %d / %d when idle; onceflow status %s ms, /api/status %s ms%n",
          planned, pruned(db, job.name()) + after[1], maxBatches, maxTasks, after[0], after[1], statusMs, apiMs);
      assertTrue(planned >= 2_000, "thousands of tasks in small batches: only " + planned + " batches");
      assertTrue(maxBatches < planned / 3 && maxTasks < planned * PARTITIONS / 3,
          "the tables stay bounded: at most " + maxBatches + " batches / " + maxTasks
              + " tasks held of " + planned + " planned");
      assertEquals(1, after[0], "idle, only the newest batch is kept");
      assertTrue(after[1] <= PARTITIONS, "idle, only the newest batch's tasks are kept: " + after[1]);
      assertEquals(total, prunedOffsets(db) + keptOffsets(db), "pruned plus kept tasks cover every offset");
      assertTrue(Collections.max(statusMs) < 10_000 && Collections.max(apiMs) < 10_000,
          "status stays fast: " + statusMs + " / " + apiMs);

      assertEquals(planned - 1, status.path("pruned").path("throughBatch").asLong(), status.toString());
      assertEquals(PARTITIONS, status.path("pruned").path("partitions").size(), status.toString());
      assertTrue(text.out().contains("Pruned: history through batch " + String.format(Locale.ROOT, "%,d", planned - 1)), text.out());
      assertTrue(text.out().contains("PRUNED UNTIL"), text.out());
    }
    assertSinkMatchesGroundTruth(db, topic, perPartition);
    job.assertLedger();
  }

  @Test
  void withRetentionOffTheLedgerGrowsAndThePruneCommandDeletesAndSaysWhat(TestKafka kafka, TestDatabase db)
      throws Exception {
    int perPartition = 600; // 200 batches
    String topic = kafka.createTopic(TestKafka.uniqueTopic("retention_off"), PARTITIONS);
    JobUnderTest job = smallBatches(kafka, topic, db, "retention_off").set("ledger.retention.ms", "0");
    produce(kafka, topic, 0, perPartition);
    Path config = job.writeConfig(Files.createTempDirectory("retention-off-it"));
    job.runUntilCaughtUp(TIMEOUT);
    long planned = newestBatch(db);
    assertEquals(planned, rows(db)[0], "retention off: every batch ever planned is kept");
    assertTrue(planned >= 200, "batches planned: " + planned);

    Run refused = OnceflowCommand.run("ledger", "prune", "-c", config.toString());
    assertEquals(2, refused.exit(), refused.out() + refused.err());
    assertTrue(refused.err().contains("ledger retention is off") && refused.err().contains("--older-than"),
        refused.err());
    assertEquals(planned, rows(db)[0], "refused: nothing deleted");

    long started = System.nanoTime();
    Run prune = OnceflowCommand.run("ledger", "prune", "-c", config.toString(), "--older-than", "0");
    long pruneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertEquals(0, prune.exit(), prune.out() + prune.err());
    long[] after = rows(db);
    System.out.printf("ledger prune: %d batches before, %d / %d after, %d ms:%n%s", planned, after[0], after[1],
        pruneMs, prune.out());
    assertEquals(1, after[0], "everything but the newest batch is pruned");
    assertTrue(prune.out().contains("Pruned job 'retention_off': " + String.format(Locale.ROOT, "%,d", planned - 1)
        + " batch(es), " + String.format(Locale.ROOT, "%,d", pruned(db, job.name())) + " task(s)"), prune.out());
    assertTrue(prune.out().contains("pruned through batch " + String.format(Locale.ROOT, "%,d", planned - 1)), prune.out());
    assertEquals(pruned(db, job.name()),
        single(db, "SELECT sum(tasks_pruned) FROM onceflow.retention_partitions"),
        "the job's count and the partitions' counts of pruned tasks agree");
    assertEquals((long) PARTITIONS * perPartition, prunedOffsets(db) + keptOffsets(db));
    job.assertLedger();

    Run again = OnceflowCommand.run("ledger", "prune", "-c", config.toString(), "--older-than", "0");
    assertEquals(0, again.exit(), again.err());
    assertTrue(again.out().contains("Nothing to prune"), again.out());

    // The job goes on after its history was pruned: new batches continue the numbering and the
    // ledger checks from the pruned prefix.
    produce(kafka, topic, perPartition, perPartition + 30);
    job.runUntilCaughtUp(TIMEOUT);
    assertTrue(newestBatch(db) > planned, "batch ids continue after the pruned ones");
    assertSinkMatchesGroundTruth(db, topic, perPartition + 30);
    job.assertLedger();

    // An offset reset after pruning: the pruned prefix belongs to the history before the reset,
    // the checks start at the new position, and a later pruning moves them on from there.
    int skippedFrom = perPartition + 30;
    int skippedUntil = perPartition + 60;
    produce(kafka, topic, skippedFrom, skippedUntil);
    Run reset = OnceflowCommand.run("offsets", "reset", "-c", config.toString(), "--to", "latest", "--execute");
    assertEquals(0, reset.exit(), reset.out() + reset.err());
    job.assertLedger();
    produce(kafka, topic, skippedUntil, skippedUntil + 30);
    runUntilEveryPartitionIsAt(job, db, skippedUntil + 30); // committedOffsets counts from the reset
    job.assertLedger();
    Run afterReset = OnceflowCommand.run("ledger", "prune", "-c", config.toString(), "--older-than", "0");
    assertEquals(0, afterReset.exit(), afterReset.out() + afterReset.err());
    assertTrue(afterReset.out().contains("Pruned job"), afterReset.out());
    job.assertLedger();
    assertEquals(PARTITIONS, single(db, "SELECT count(*) FROM onceflow.retention_partitions r"
        + " WHERE r.through_batch > (SELECT max(after_batch) FROM onceflow.offset_resets)"),
        "every partition pruned past its reset");
    assertEquals((long) PARTITIONS * (skippedFrom + 30), single(db, "SELECT count(*) FROM seen"));
    assertEquals(0, single(db, "SELECT count(*) FROM seen WHERE \"offset\" >= " + skippedFrom
        + " AND \"offset\" < " + skippedUntil), "the reset skipped them");
  }

  @Test
  void deadLettersOfPrunedBatchesStayAndReplayAfterTheFix(TestKafka kafka, TestDatabase db) throws Exception {
    int perPartition = 300;
    List<Integer> poison = List.of(7, 150, 298);
    String topic = kafka.createTopic(TestKafka.uniqueTopic("retention_dead"), PARTITIONS);
    JobUnderTest job = JobUnderTest.of(PoisonJob.class, kafka, db)
        .topics(topic)
        .set("job.name", "retention_dead")
        .set("value.format", "string")
        .set("batch.interval.ms", "20")
        .set("batch.max.records.per.partition", String.valueOf(CAP))
        .set("worker.task.attempts", "1")
        .set("ledger.retention.ms", "0");
    produce(kafka, topic, 0, perPartition, (p, i) -> (poison.contains(i) ? "poison-" : "good-") + p + ":" + i);
    job.runUntilCaughtUp(TIMEOUT);
    long deadLetters = PARTITIONS * poison.size();
    assertEquals(deadLetters, single(db, "SELECT count(*) FROM onceflow.dead_letters"));

    Path dir = Files.createTempDirectory("retention-dead-it");
    Run prune = OnceflowCommand.run("ledger", "prune", "-c", job.writeConfig(dir).toString(), "--older-than", "0");
    assertEquals(0, prune.exit(), prune.out() + prune.err());
    // 7 and 150 lie in pruned batches; 298 may lie in the newest, kept batch
    assertTrue(single(db, "SELECT count(*) FROM onceflow.dead_letters d WHERE d.batch_id <="
        + " (SELECT through_batch FROM onceflow.retention)") >= 2 * PARTITIONS,
        "the batches of dead letters are pruned: " + prune.out());
    assertEquals(deadLetters, single(db, "SELECT count(*) FROM onceflow.dead_letters"), "dead letters stay");
    job.assertLedger(); // dead letters of pruned batches lie in the pruned prefix

    Path fixed = job.param("accept.poison", "true").writeConfig(Files.createTempDirectory("retention-fixed"));
    Run replay = OnceflowCommand.run("dead-letters", "replay", "--all", "-c", fixed.toString());
    assertEquals(0, replay.exit(), replay.out() + replay.err());
    assertEquals(0, single(db, "SELECT count(*) FROM onceflow.dead_letters"), "replayed");
    assertEquals((long) PARTITIONS * perPartition, single(db, "SELECT count(*) FROM seen"));
    assertEquals(0, single(db, "SELECT count(*) FROM seen WHERE value NOT LIKE '%' || partition || ':' || \"offset\""));
    job.assertLedger();
  }

  /**
   * The pruner on a ledger written by hand: it deletes only the batches below both the first
   * batch with an uncommitted task and the newest batch, records where each partition's kept
   * history starts, and a late attempt at a pruned task is told "already committed" while a
   * missing task the pruner never saw is still an inconsistency.
   */
  @Test
  void prunesOnlyBelowTheFirstUncommittedAndTheNewestBatch(TestDatabase db) throws Exception {
    String job = "retention_unit";
    try (Database database = Database.open(db.jdbcUrl(), new Properties(), 2, 5000, "retention-test")) {
      LedgerSchema.migrate(database.dataSource()); // Flyway needs both connections of the pool
      pruneAHandWrittenLedger(database, db, job);
    }
  }

  private static void pruneAHandWrittenLedger(Database database, TestDatabase db, String job) throws Exception {
    try (Connection c = database.connection();
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO onceflow.jobs (job, sources, job_class) VALUES ('" + job + "', 'topics:t', 'X')");
      s.execute("INSERT INTO onceflow.offsets (job, topic, partition, start_offset, until_offset) VALUES"
          + " ('" + job + "', 't', 0, 0, 30), ('" + job + "', 't', 1, 0, 0)");
      s.execute("INSERT INTO onceflow.batches (job, batch_id, epoch, task_count, offset_count) VALUES"
          + " ('" + job + "', 1, 1, 1, 10), ('" + job + "', 2, 1, 1, 10), ('" + job + "', 3, 1, 1, 5),"
          + " ('" + job + "', 4, 1, 1, 10)");
      // t-0: batches 1, 2, 4 committed an hour ago; t-1: batch 3 still planned
      s.execute("INSERT INTO onceflow.tasks (job, batch_id, topic, partition, from_offset, until_offset,"
          + " state, committed_at, records) VALUES"
          + " ('" + job + "', 1, 't', 0, 0, 10, 'committed', now() - interval '1 hour', 10),"
          + " ('" + job + "', 2, 't', 0, 10, 20, 'committed', now() - interval '1 hour', 10),"
          + " ('" + job + "', 4, 't', 0, 20, 30, 'committed', now() - interval '1 hour', 10),"
          + " ('" + job + "', 3, 't', 1, 0, 5, 'planned', NULL, NULL)");
      s.execute("INSERT INTO onceflow.workers (worker_id, job, host, pid, threads, heartbeat_at, stopped_at) VALUES"
          + " ('live', '" + job + "', 'h', 1, 1, now() - interval '10 minutes', NULL),"
          + " ('stopped', '" + job + "', 'h', 2, 1, now() - interval '1 minute', now() - interval '1 minute'),"
          + " ('dead', '" + job + "', 'h', 3, 1, now() - interval '2 hours', NULL)");
      LedgerAssertions.assertInvariants(c, job);

      LedgerRetention.Pruned pruned = new LedgerRetention(1).prune(c, job, 0, () -> true);
      assertEquals(2, pruned.workers(), "the stopped and the long-silent worker");
      assertEquals(1, single(db, "SELECT count(*) FROM onceflow.workers WHERE worker_id = 'live'"),
          "a worker silent for less than an hour may still run: its row stays at any retention");
      assertEquals(2, pruned.batches(), "batches 1 and 2: below the planned batch 3 and the newest, 4");
      assertEquals(2, pruned.tasks());
      assertEquals(4, pruned.transactions(), "one batch, or one worker row, per transaction with chunk.rows=1");
      assertEquals(2, pruned.throughBatch());
      assertEquals(2, single(db, "SELECT count(*) FROM onceflow.tasks"));
      assertEquals(20, single(db, "SELECT pruned_until FROM onceflow.retention_partitions WHERE partition = 0"));
      assertEquals(0, single(db, "SELECT count(*) FROM onceflow.retention_partitions WHERE partition = 1"));
      LedgerAssertions.assertInvariants(c, job); // t-0 checked from 20, t-1 from its start
      assertEquals(0, new LedgerRetention(1).prune(c, job, 0, () -> true).batches(), "nothing more to prune");

      ClaimedTask late = new ClaimedTask(job, 1, new OffsetRange("t", 0, 0, 10), 2, 0);
      assertEquals(TaskFence.Miss.ALREADY_COMMITTED, TaskFence.classifyMiss(c, late));
      ClaimedTask neverPlanned = new ClaimedTask(job, 9, new OffsetRange("t", 0, 0, 10), 1, 0);
      assertThrows(LedgerInconsistencyException.class, () -> TaskFence.classifyMiss(c, neverPlanned));
    }
  }

  private static void runUntilEveryPartitionIsAt(JobUnderTest job, TestDatabase db, long offset)
      throws Exception {
    try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL)) {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (single(db, "SELECT min(until_offset) FROM onceflow.offsets") < offset || pending(db) > 0) {
        assertTrue(System.nanoTime() < deadline && engine.failure().isEmpty(),
            "not at " + offset + ": " + engine.failure().map(Throwable::toString).orElse("still running"));
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
  }

  private static JobUnderTest smallBatches(TestKafka kafka, String topic, TestDatabase db, String name) {
    return JobUnderTest.of(RecordingJob.class, kafka, db)
        .topics(topic)
        .set("job.name", name)
        .set("value.format", "string")
        .set("batch.interval.ms", "20")
        .set("batch.max.records.per.partition", String.valueOf(CAP))
        .set("batch.max.in.flight", "3")
        .set("worker.threads", "4");
  }

  /** Records {@code p:i} for i in [from, until) to every partition p; offsets are i. */
  private static void produce(TestKafka kafka, String topic, int from, int until) {
    produce(kafka, topic, from, until, (partition, i) -> partition + ":" + i);
  }

  /** Records {@code value(p, i)} for i in [from, until) to every partition p; offsets are i. */
  private static void produce(
      TestKafka kafka, String topic, int from, int until, BiFunction<Integer, Integer, String> value) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("enable.idempotence", "true");
    p.put("acks", "all");
    // One request in flight: a fresh topic's first answer may be NOT_LEADER_OR_FOLLOWER, and with
    // several batches in flight the retries then stall on OUT_OF_ORDER_SEQUENCE_NUMBER for minutes.
    p.put("max.in.flight.requests.per.connection", "1");
    p.put("linger.ms", "5");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = from; i < until; i++) {
        for (int partition = 0; partition < PARTITIONS; partition++) {
          sent.add(producer.send(new ProducerRecord<>(topic, partition, "k" + i, value.apply(partition, i))));
        }
      }
      producer.flush();
      for (Future<RecordMetadata> f : sent) {
        f.get(); // a lost record would make the ground truth wrong: fail here, not later
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("producing to " + topic + " failed", e);
    }
  }

  /** Every partition holds offsets 0 … n-1 exactly once, each with the value produced there. */
  private static void assertSinkMatchesGroundTruth(TestDatabase db, String topic, int n) throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT partition, count(*), count(DISTINCT \"offset\"), min(\"offset\"), max(\"offset\"),"
                    + " count(*) FILTER (WHERE value <> partition || ':' || \"offset\")"
                    + " FROM seen WHERE topic = '" + topic + "' GROUP BY partition ORDER BY partition")) {
      for (int partition = 0; partition < PARTITIONS; partition++) {
        assertTrue(rs.next(), "partition " + partition + " has rows in the sink");
        assertEquals(partition, rs.getInt(1));
        assertEquals(n, rs.getLong(2), "rows of partition " + partition);
        assertEquals(n, rs.getLong(3), "distinct offsets of partition " + partition);
        assertEquals(0, rs.getLong(4));
        assertEquals(n - 1, rs.getLong(5));
        assertEquals(0, rs.getLong(6), "values of partition " + partition);
      }
    }
  }

  /** Batch and task rows in the ledger now. */
  private static long[] rows(TestDatabase db) throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT (SELECT count(*) FROM onceflow.batches), (SELECT count(*) FROM onceflow.tasks)")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
        return new long[] {0, 0}; // the ledger is not created yet
      }
      throw e;
    }
  }

  private static long pending(TestDatabase db) throws SQLException {
    return single(db, "SELECT count(*) FROM onceflow.tasks WHERE state = 'planned'");
  }

  private static long newestBatch(TestDatabase db) throws SQLException {
    return single(db, "SELECT max(batch_id) FROM onceflow.batches");
  }

  /** Task rows ledger retention deleted, as the test kit reads them. */
  private static long pruned(TestDatabase db, String job) throws SQLException {
    try (Connection c = db.connect()) {
      return LedgerAssertions.prunedTasks(c, job);
    }
  }

  /** Offsets the pruned tasks covered, summed over the partitions' watermarks. */
  private static long prunedOffsets(TestDatabase db) throws SQLException {
    return single(db, "SELECT coalesce(sum(offsets_pruned), 0) FROM onceflow.retention_partitions");
  }

  private static long keptOffsets(TestDatabase db) throws SQLException {
    return single(db, "SELECT coalesce(sum(until_offset - from_offset), 0) FROM onceflow.tasks");
  }

  private static long single(TestDatabase db, String sql) throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long timeStatus(Path config) {
    long started = System.nanoTime();
    Run run = OnceflowCommand.run("status", "-c", config.toString(), "--batches", "10");
    assertEquals(0, run.exit(), run.err());
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
  }

  private long timeApi(String base) throws Exception {
    long started = System.nanoTime();
    get(base + "/api/status");
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
  }

  private String get(String url) throws Exception {
    HttpResponse<String> response =
        http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }
}
