package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.app.ExitCodes;
import io.onceflow.examples.AggJob;
import io.onceflow.examples.Workload;
import io.onceflow.testkit.JobProcess;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input at start: the process exits non-zero with one message that names the problem and
 * where, and writes nothing (not even the ledger schema).
 */
@ExtendWith(RealServers.class)
class BadInputIT {
  @TempDir Path dir;

  @Test
  void anUnknownConfigKeyIsNamedWithTheClosestValidKey(TestKafka kafka, TestDatabase db) throws Exception {
    JobUnderTest job = job("bad_key", kafka, db);
    job.set("batch.interval", "500");
    String out = runExpectingFailure(job, 2);
    assertTrue(out.contains("'batch.interval'") && out.contains("batch.interval.ms"), out);
    assertNothingWritten(db);
  }

  @Test
  void anUnknownJobClassIsNamed(TestKafka kafka, TestDatabase db) throws Exception {
    JobUnderTest job = job("bad_class", kafka, db);
    job.set("job.class", "com.example.NoSuchJob");
    String out = runExpectingFailure(job, -1);
    assertTrue(out.contains("com.example.NoSuchJob") && out.contains("job.class"), out);
    assertNothingWritten(db);
  }

  @Test
  void anUnreachablePostgresIsNamedWithItsAddress(TestKafka kafka, TestDatabase db) throws Exception {
    JobUnderTest job = job("bad_pg", kafka, db);
    job.set("postgres.url", "jdbc:postgresql://127.0.0.1:1/nowhere?user=postgres");
    job.set("startup.retry.max.ms", "0"); // a refused connection is also a restart: retried unless told not to
    String out = runExpectingFailure(job, -1);
    assertTrue(out.contains("Cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/nowhere"), out);
  }

  @Test
  void anUnknownDatabaseFailsAtOnceThoughStartUpRetriesOutages(TestKafka kafka, TestDatabase db) throws Exception {
    JobUnderTest job = job("unknown_db", kafka, db);
    job.set("postgres.url", db.jdbcUrl().replace(db.name(), "onceflow_no_such_database"));
    String out = runExpectingFailure(job, -1);
    assertTrue(out.contains("Cannot connect to PostgreSQL at") && out.contains("onceflow_no_such_database")
        && out.contains("does not exist"), out);
    assertFalse(out.contains("retrying in"), "a refusal is not retried:\n" + out);
  }

  @Test
  void aUserWithoutTheRightToCreateTheLedgerFailsAtOnceNamingTheRight(TestKafka kafka, TestDatabase db)
      throws Exception {
    String role = "onceflow_nocreate_" + Long.toHexString(System.nanoTime());
    JobUnderTest job = job("no_create", kafka, db);
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE " + role + " LOGIN");
      st.execute("REVOKE CREATE ON DATABASE " + db.name() + " FROM PUBLIC");
    }
    try {
      job.set("postgres.url", db.jdbcUrl().replace("user=postgres", "user=" + role));
      String out = runExpectingFailure(job, -1);
      assertTrue(out.contains("Could not create or upgrade the ledger schema 'onceflow' (does the user have CREATE"
          + " rights?)") && out.contains("permission denied for database"), out);
      assertFalse(out.contains("retrying in"), "a missing right is not retried:\n" + out);
      assertNothingWritten(db);
    } finally {
      dropWithRole(db, role);
    }
  }

  @Test
  void aPostgresUrlWhoseOptionsDropTheSafetyTimeoutsIsRefusedAndNothingIsWritten(TestKafka kafka, TestDatabase db)
      throws Exception {
    JobUnderTest job = job("unsafe_options", kafka, db);
    job.set("postgres.url", db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "options=-c%20lock_timeout=0");
    String out = runExpectingFailure(job, ExitCodes.CONFIG);
    assertTrue(out.contains("idle_in_transaction_session_timeout is 0 ms and lock_timeout is 0 ms, both must be"
        + " " + job.config().leaseMs() + " ms (worker.lease.ms)"), out);
    assertTrue(out.contains("remove it from the URL"), out);
    assertNothingWritten(db);
  }

  @Test
  void anUnreachableKafkaIsNamedAndNothingIsWritten(TestKafka kafka, TestDatabase db) throws Exception {
    JobUnderTest job = job("bad_kafka", kafka, db);
    job.set("kafka.bootstrap.servers", "127.0.0.1:1");
    job.set("startup.retry.max.ms", "0"); // no answer is also a restarting broker: retried unless told not to
    String out = runExpectingFailure(job, -1);
    assertTrue(out.contains("Cannot reach Kafka at 127.0.0.1:1"), out);
    assertNothingWritten(db);
  }

  @Test
  void aJobClassThatThrowsInItsConstructorIsNamedWithTheCause(TestKafka kafka, TestDatabase db) throws Exception {
    JobUnderTest job = job("bad_constructor", kafka, db);
    job.set("job.class", ThrowingConstructorJob.class.getName());
    String out = runExpectingFailure(job, 2);
    assertTrue(out.contains("Job class '" + ThrowingConstructorJob.class.getName()
        + "' threw in its constructor"), out);
    assertTrue(out.contains("the pricing table could not be loaded"), out);
    assertNothingWritten(db);
  }

  @Test
  void aDatabaseUserWithoutRightsOnTheSinkTableStopsTheWorkerAndNothingIsCommitted(TestKafka kafka, TestDatabase db)
      throws Exception {
    String role = "onceflow_norights_" + Long.toHexString(System.nanoTime());
    String topic = kafka.createTopic(TestKafka.uniqueTopic("no_rights"), 1);
    JobUnderTest job = WorkloadJobs.job("no_rights", AggJob.class, kafka, topic, db);
    WorkloadJobs.produce(kafka, topic, Workload.standard(), 0, 1_000);
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE " + role + " LOGIN");
      st.execute("CREATE TABLE user_totals (user_id text PRIMARY KEY, events bigint NOT NULL,"
          + " amount bigint NOT NULL)");
      st.execute("GRANT USAGE, CREATE ON SCHEMA public TO " + role);
      org.postgresql.ds.PGSimpleDataSource admin = new org.postgresql.ds.PGSimpleDataSource();
      admin.setURL(job.config().postgresUrl());
      io.onceflow.ledger.LedgerSchema.migrate(admin);
      st.execute("GRANT USAGE ON SCHEMA onceflow TO " + role);
      st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA onceflow TO " + role);
      st.execute("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA onceflow TO " + role);
    }
    try {
      job.set("postgres.url", job.config().postgresUrl().replace("user=postgres", "user=" + role));
      String out = runFailing(job, "run", 1);
      assertTrue(out.contains("The database refused job " + AggJob.class.getName() + " in "), out);
      assertTrue(out.contains("permission denied for table user_totals"), out);
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        assertEquals(0, count(st, "SELECT coalesce(sum(until_offset - start_offset), 0) FROM onceflow.offsets"),
            "nothing committed");
        assertEquals(0, count(st, "SELECT count(*) FROM onceflow.dead_letters"),
            "a missing right is no reason to dead-letter records");
        assertEquals(0, count(st, "SELECT count(*) FROM user_totals"));
      }
    } finally {
      dropWithRole(db, role);
    }
  }

  @Test
  void aSecondConfigurationUnderTheSameJobNameWithOtherTopicsIsRefused(TestKafka kafka, TestDatabase db)
      throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic("same_name"), 1);
    JobUnderTest job = WorkloadJobs.job("same_name", AggJob.class, kafka, topic, db);
    WorkloadJobs.produce(kafka, topic, Workload.standard(), 0, 1_000);
    try (io.onceflow.runtime.Engine engine =
        io.onceflow.runtime.Engine.start(job.config(), io.onceflow.runtime.Engine.Role.LOCAL)) {
      job.awaitCommitted(1_000, Duration.ofMinutes(1), () -> String.valueOf(engine.failure()));
    }
    String other = kafka.createTopic(TestKafka.uniqueTopic("same_name_other"), 1);
    job.set("source.topics", other);
    // Refused at start-up, before anything runs (exit 2, a configuration error): by `run`, and
    // by a lone worker, which would otherwise run its job class on the first job's ranges.
    for (String role : List.of("run", "worker")) {
      String out = runFailing(job, role, ExitCodes.CONFIG);
      assertTrue(out.contains("Job 'same_name' already exists in the ledger with sources 'topics:"
          + topic + "'"), role + ": " + out);
      assertTrue(out.contains("this configuration reads 'topics:" + other + "'"), role + ": " + out);
    }
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      assertEquals(1, count(st, "SELECT count(*) FROM onceflow.workers WHERE job = 'same_name'"),
          "only the first job's worker ever registered");
      assertEquals(0, count(st, "SELECT count(*) FROM onceflow.offsets WHERE topic = '" + other + "'"),
          "nothing planned or committed for the other topic");
      assertEquals(1_000, count(st, "SELECT sum(until_offset - start_offset) FROM onceflow.offsets"),
          "the first job's offsets are untouched");
    }
  }

  /** Runs {@code onceflow <role>} and expects exit code {@code expected}; logs may hold stack traces. */
  private String runFailing(JobUnderTest job, String role, int expected) throws Exception {
    try (JobProcess p = OnceflowCommand.start(job.name(), role, job.writeConfig(dir), Map.of())) {
      int exit = p.awaitExit(Duration.ofSeconds(90));
      assertEquals(expected, exit, p.output());
      return p.output();
    }
  }

  /** Drops the database first: the role's grants go with it, then the role can go. */
  private static void dropWithRole(TestDatabase db, String role) throws Exception {
    db.close();
    try (Connection c = java.sql.DriverManager.getConnection(
            "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
        Statement st = c.createStatement()) {
      st.execute("DROP ROLE IF EXISTS " + role);
    }
  }

  private static long count(Statement st, String sql) throws Exception {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** AGG on a topic of one partition. */
  private static JobUnderTest job(String name, TestKafka kafka, TestDatabase db) {
    return WorkloadJobs.job(name, AggJob.class, kafka, kafka.createTopic(TestKafka.uniqueTopic(name), 1), db);
  }

  /** Runs {@code onceflow run}; expects a failing exit ({@code expected}, or any if -1). */
  private String runExpectingFailure(JobUnderTest job, int expected) throws Exception {
    Path config = job.writeConfig(dir);
    try (JobProcess p = OnceflowCommand.start(job.name(), "run", config, Map.of())) {
      int exit = p.awaitExit(Duration.ofSeconds(90));
      String out = p.output();
      assertNotEquals(0, exit, out);
      if (expected >= 0) {
        assertEquals(expected, exit, out);
      }
      assertFalse(out.contains("\tat "), "one clear message, no stack trace:\n" + out);
      return out;
    }
  }

  private static void assertNothingWritten(TestDatabase db) throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'onceflow'")) {
      rs.next();
      assertEquals(0, rs.getInt(1), "the ledger schema must not have been created");
    }
  }
}
