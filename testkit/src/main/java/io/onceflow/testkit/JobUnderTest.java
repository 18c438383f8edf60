package io.onceflow.testkit;

import io.onceflow.api.Job;
import io.onceflow.config.OnceflowConfig;
import io.onceflow.runtime.Engine;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A job class wired to a test's real broker and database: run it in this JVM until it has caught
 * up with its topics, or start it as real processes you can {@code kill -9}.
 *
 * <pre>{@code
 * JobUnderTest job = JobUnderTest.of(MyJob.class, kafka, db).topics(topic);
 * job.runUntilCaughtUp(Duration.ofMinutes(1));
 * LedgerAssertions.assertInvariants(db.connect(), job.name());
 * }</pre>
 *
 * Defaults favour fast tests: 100 ms batches, 2 worker threads, a 5 s lease.
 */
public final class JobUnderTest {
  private final TestKafka kafka;
  private final TestDatabase database;
  private final Map<String, String> settings = new TreeMap<>();
  private List<String> topics = List.of();

  private JobUnderTest(Class<? extends Job<?>> jobClass, TestKafka kafka, TestDatabase database) {
    this.kafka = kafka;
    this.database = database;
    settings.put("job.name", jobClass.getSimpleName().toLowerCase());
    settings.put("job.class", jobClass.getName());
    settings.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    settings.put("postgres.url", database.jdbcUrl());
    settings.put("batch.interval.ms", "100");
    settings.put("worker.threads", "2");
    settings.put("worker.lease.ms", "5000");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  public static JobUnderTest of(Class<? extends Job> jobClass, TestKafka kafka, TestDatabase database) {
    return new JobUnderTest((Class<? extends Job<?>>) (Class) jobClass, kafka, database);
  }

  public JobUnderTest topics(String... names) {
    topics = List.of(names);
    settings.put("source.topics", String.join(",", names));
    return this;
  }

  /** Sets any configuration key (docs/configuration.md), e.g. {@code value.format}. */
  public JobUnderTest set(String key, String value) {
    settings.put(key, value);
    return this;
  }

  /** Sets a {@code job.param.*} value. */
  public JobUnderTest param(String name, String value) {
    return set("job.param." + name, value);
  }

  public String name() {
    return settings.get("job.name");
  }

  public OnceflowConfig config() {
    return OnceflowConfig.fromMap(settings);
  }

  /** What a run did, read from the ledger. */
  public record CatchUp(long committedOffsets, long deadLetters, Duration elapsed) {}

  /**
   * Starts driver and workers in this JVM, waits until every partition of the job's topics is
   * committed up to its end offset as it is now (last stable offset) with nothing left planned,
   * then stops gracefully. Fails with the engine's error if it stops, or after {@code timeout}.
   */
  public CatchUp runUntilCaughtUp(Duration timeout) throws Exception {
    long target = KafkaEnds.sum(kafka, topics);
    long started = System.nanoTime();
    try (Engine engine = Engine.start(config(), Engine.Role.LOCAL)) {
      awaitCommitted(target, timeout, () -> engine.failure().map(Throwable::toString).orElse("still running"));
    }
    try (Connection c = database.connect()) {
      return new CatchUp(
          LedgerAssertions.committedOffsets(c, name()),
          DeadLetterRows.read(c, name()).size(),
          Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /**
   * Waits until the ledger shows {@code offsets} committed offsets and no planned task left;
   * {@code state} explains a timeout (the engine's error, a process's log tail).
   */
  public void awaitCommitted(long offsets, Duration timeout, java.util.function.Supplier<String> state)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long committed = 0;
    while (System.nanoTime() < deadline) {
      committed = committedOffsets();
      if (committed >= offsets && pending() == 0) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError("Job '" + name() + "' committed " + committed + " of " + offsets
        + " offsets within " + timeout + ": " + state.get());
  }

  private long committedOffsets() throws SQLException {
    try (Connection c = database.connect()) {
      return LedgerAssertions.committedOffsets(c, name());
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
        return 0; // the ledger is not created yet
      }
      throw e;
    }
  }

  private long pending() throws SQLException {
    try (Connection c = database.connect();
        var s = c.prepareStatement(
            "SELECT count(*) FROM onceflow.tasks WHERE job = ? AND state = 'planned'")) {
      s.setString(1, name());
      try (var rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The end offsets (last stable) of the job's topics, summed: what "caught up" means now. */
  public long endOffsets() {
    return KafkaEnds.sum(kafka, topics);
  }

  /** Writes the configuration as a properties file for {@link JobProcess}. */
  public Path writeConfig(Path dir) throws IOException {
    Properties p = new Properties();
    p.putAll(settings);
    Path file = dir.resolve(name() + ".properties");
    try (Writer w = Files.newBufferedWriter(file)) {
      p.store(w, "job under test " + name());
    }
    return file;
  }

  /**
   * Starts the job's {@code role} ("run", "driver" or "worker") as a real process with this JVM's
   * class path; {@code env} may arm a crash point ({@link JobProcess#crashAt}).
   */
  public JobProcess startProcess(String processName, String role, Path dir, Map<String, String> env)
      throws IOException {
    return JobProcess.start(processName, role, writeConfig(dir), env);
  }
}
