package io.onceflow.testkit;

import io.onceflow.api.Job;
import io.onceflow.config.OnceflowConfig;
import io.onceflow.runtime.Engine;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A job class wired to a test's real broker and database: run it in this JVM until it has caught
 * up with its topics, or start it as real processes you can {@code kill -9}.
 *
 * <pre>{@code
 * JobUnderTest job = JobUnderTest.of(MyJob.class, kafka, db).topics(topic);
 * job.runUntilCaughtUp(Duration.ofMinutes(1));
 * job.assertLedger();
 * }</pre>
 *
 * Defaults favour fast tests: 100 ms batches, 2 worker threads, a 5 s lease. The job's name is
 * its class's simple name in lower case unless {@code set("job.name", …)} says otherwise.
 */
public final class JobUnderTest {
  private final TestKafka kafka;
  private final String jdbcUrl;
  private final Map<String, String> settings = new TreeMap<>();
  private List<String> topics = List.of();

  private JobUnderTest(Class<? extends Job<?>> jobClass, TestKafka kafka, String jdbcUrl) {
    this.kafka = kafka;
    this.jdbcUrl = jdbcUrl;
    settings.put("job.name", jobClass.getSimpleName().toLowerCase());
    settings.put("job.class", jobClass.getName());
    settings.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    settings.put("postgres.url", jdbcUrl);
    settings.put("batch.interval.ms", "100");
    settings.put("worker.threads", "2");
    settings.put("worker.lease.ms", "5000");
  }

  /** The job on a test's fresh database. */
  @SuppressWarnings("rawtypes")
  public static JobUnderTest of(Class<? extends Job> jobClass, TestKafka kafka, TestDatabase database) {
    return of(jobClass, kafka, database.jdbcUrl());
  }

  /**
   * The job on a PostgreSQL database the test runs itself, given by a JDBC URL that carries the
   * user (and password): for tests that stop and restart the server, which must never happen to
   * the shared one behind {@link TestDatabase}.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static JobUnderTest of(Class<? extends Job> jobClass, TestKafka kafka, String jdbcUrl) {
    return new JobUnderTest((Class<? extends Job<?>>) (Class) jobClass, kafka, jdbcUrl);
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
      await(target, true, timeout, () -> engine.failure().map(Throwable::toString).orElse("still running"));
    }
    try (Connection c = connect()) {
      return new CatchUp(
          LedgerAssertions.committedOffsets(c, name()),
          DeadLetterRows.read(c, name()).size(),
          Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /**
   * Waits until the ledger shows at least {@code offsets} committed offsets, while the job runs in
   * processes or an engine of the test's: all the records produced, or some of them before a test
   * kills something mid-run. {@code state} explains a timeout (the engine's error, the processes'
   * log tails).
   */
  public void awaitCommitted(long offsets, Duration timeout, Supplier<String> state)
      throws SQLException, InterruptedException {
    await(offsets, false, timeout, state);
  }

  private void await(long offsets, boolean nothingPlanned, Duration timeout, Supplier<String> state)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long committed = 0;
    while (System.nanoTime() < deadline) {
      committed = committedOffsets();
      if (committed >= offsets && (!nothingPlanned || pending() == 0)) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError("Job '" + name() + "' committed " + committed + " of " + offsets
        + " offsets within " + timeout + ": " + state.get());
  }

  /**
   * The offsets the ledger shows committed, summed over partitions ({@link
   * LedgerAssertions#committedOffsets}); 0 while the engine has not created the ledger yet.
   */
  public long committedOffsets() throws SQLException {
    try (Connection c = connect()) {
      return LedgerAssertions.committedOffsets(c, name());
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
        return 0; // the ledger is not created yet
      }
      throw e;
    }
  }

  private long pending() throws SQLException {
    try (Connection c = connect();
        var s = c.prepareStatement(
            "SELECT count(*) FROM onceflow.tasks WHERE job = ? AND state = 'planned'")) {
      s.setString(1, name());
      try (var rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Asserts what the ledger must show once the job stopped after committing everything it
   * planned: I1–I3 ({@link LedgerAssertions#assertInvariants}) and no planned task left ({@link
   * LedgerAssertions#assertNothingPending}). A job stopped on purpose mid-way may leave planned
   * tasks behind: check it with {@code assertInvariants} alone.
   */
  public void assertLedger() throws SQLException {
    try (Connection c = connect()) {
      LedgerAssertions.assertInvariants(c, name());
      LedgerAssertions.assertNothingPending(c, name());
    }
  }

  /** A new connection to the job's database (the sink and the ledger), autocommit on. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl);
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
   * Starts the job's {@code role} ("run", "driver" or "worker") as a real process ({@link
   * JobProcess}: this JVM's class path, copied); {@code env} may arm a crash point ({@link
   * JobProcess#crashAt}, {@link JobProcess#haltAt}).
   */
  public JobProcess startProcess(String processName, String role, Path dir, Map<String, String> env)
      throws IOException {
    return JobProcess.start(processName, role, writeConfig(dir), env);
  }
}
