package io.onceflow.it;

import io.onceflow.config.OnceflowConfig;
import io.onceflow.examples.Workload;
import io.onceflow.examples.WorkloadProducer;
import io.onceflow.testkit.LedgerAssertions;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One test's world: a fresh topic on the shared real broker, a fresh real database, a job name,
 * and the workload written to the topic. Builds the job's configuration for in-process engines
 * and for engine processes alike.
 */
final class Scenario implements AutoCloseable {
  final TestKafka kafka;
  final TestDatabase database; // null when the test brought its own server
  private final String jdbcUrl;
  final String topic;
  final String job;
  final Workload workload;
  final int partitions;
  private final Map<String, String> settings = new TreeMap<>();

  private Scenario(TestKafka kafka, TestDatabase database, String topic, String job, Workload workload, int partitions) {
    this(kafka, database, database.jdbcUrl(), topic, job, workload, partitions);
  }

  private Scenario(TestKafka kafka, TestDatabase database, String jdbcUrl, String topic, String job,
      Workload workload, int partitions) {
    this.jdbcUrl = jdbcUrl;
    this.kafka = kafka;
    this.database = database;
    this.topic = topic;
    this.job = job;
    this.workload = workload;
    this.partitions = partitions;
  }

  static Scenario create(String name, Class<?> jobClass, Workload workload, int partitions) {
    TestKafka kafka = TestKafka.shared();
    String topic = kafka.createTopic(TestKafka.uniqueTopic(name), partitions);
    return defaults(new Scenario(kafka, TestDatabase.create(), topic, name, workload, partitions), jobClass);
  }

  /**
   * A scenario on servers the test owns (a private broker, an embedded PostgreSQL), for tests that
   * stop and restart them; the test closes the servers.
   */
  static Scenario on(TestKafka kafka, String jdbcUrl, String name, Class<?> jobClass, Workload workload,
      int partitions) {
    String topic = kafka.createTopic(TestKafka.uniqueTopic(name), partitions);
    return defaults(new Scenario(kafka, null, jdbcUrl, topic, name, workload, partitions), jobClass);
  }

  private static Scenario defaults(Scenario s, Class<?> jobClass) {
    String name = s.job;
    String topic = s.topic;
    TestKafka kafka = s.kafka;
    s.set("job.name", name)
        .set("job.class", jobClass.getName())
        .set("source.topics", topic)
        .set("value.format", "bytes")
        .set("kafka.bootstrap.servers", kafka.bootstrapServers())
        .set("postgres.url", s.jdbcUrl)
        .set("batch.interval.ms", "100")
        .set("batch.max.records.per.partition", "2000")
        .set("worker.threads", "2")
        .set("worker.lease.ms", "5000");
    return s;
  }

  Scenario set(String key, String value) {
    settings.put(key, value);
    return this;
  }

  OnceflowConfig config() {
    return OnceflowConfig.fromMap(settings);
  }

  /** Writes the configuration as a properties file, for engine processes. */
  Path writeConfig(Path dir) throws IOException {
    Properties p = new Properties();
    p.putAll(settings);
    Path file = dir.resolve(job + ".properties");
    try (Writer w = Files.newBufferedWriter(file)) {
      p.store(w, "scenario " + job);
    }
    return file;
  }

  long produce(long from, long count) {
    try (WorkloadProducer producer = WorkloadProducer.connect(kafka.bootstrapServers(), topic, workload)) {
      return producer.produce(from, count);
    }
  }

  long committedOffsets() throws SQLException {
    try (Connection c = connect()) {
      return LedgerAssertions.committedOffsets(c, job);
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return 0; // the ledger does not exist yet
      }
      throw e;
    }
  }

  /** Waits until the ledger shows {@code expected} committed offsets, or fails with diagnostics. */
  void awaitCommitted(long expected, Duration timeout, Supplier<String> diagnostics)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long committed = 0;
    while (System.nanoTime() < deadline) {
      committed = committedOffsets();
      if (committed >= expected) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError(
        "Job " + job + " committed " + committed + " of " + expected + " offsets within " + timeout
            + "\n" + diagnostics.get());
  }

  void assertLedgerInvariants() throws SQLException {
    try (Connection c = connect()) {
      LedgerAssertions.assertInvariants(c, job);
      LedgerAssertions.assertNothingPending(c, job);
    }
  }

  /** I1–I3 only: a job stopped on purpose may leave planned tasks behind. */
  void assertLedgerInvariantsAllowingPending() throws SQLException {
    try (Connection c = connect()) {
      LedgerAssertions.assertInvariants(c, job);
    }
  }

  Connection connect() throws SQLException {
    return database != null ? database.connect() : java.sql.DriverManager.getConnection(jdbcUrl);
  }

  @Override
  public void close() {
    if (database != null) {
      database.close();
    }
  }
}
