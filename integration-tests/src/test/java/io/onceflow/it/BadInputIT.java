package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.examples.AggJob;
import io.onceflow.examples.Workload;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input at start: the process exits non-zero with one message that names the problem and
 * where, and writes nothing (not even the ledger schema).
 */
class BadInputIT {
  @TempDir Path dir;

  @Test
  void anUnknownConfigKeyIsNamedWithTheClosestValidKey() throws Exception {
    try (Scenario s = scenario("bad_key")) {
      s.set("batch.interval", "500");
      String out = runExpectingFailure(s, 2);
      assertTrue(out.contains("'batch.interval'") && out.contains("batch.interval.ms"), out);
      assertNothingWritten(s);
    }
  }

  @Test
  void anUnknownJobClassIsNamed() throws Exception {
    try (Scenario s = scenario("bad_class")) {
      s.set("job.class", "com.example.NoSuchJob");
      String out = runExpectingFailure(s, -1);
      assertTrue(out.contains("com.example.NoSuchJob") && out.contains("job.class"), out);
      assertNothingWritten(s);
    }
  }

  @Test
  void anUnreachablePostgresIsNamedWithItsAddress() throws Exception {
    try (Scenario s = scenario("bad_pg")) {
      s.set("postgres.url", "jdbc:postgresql://127.0.0.1:1/nowhere?user=postgres");
      String out = runExpectingFailure(s, -1);
      assertTrue(out.contains("Cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/nowhere"), out);
    }
  }

  @Test
  void anUnreachableKafkaIsNamedAndNothingIsWritten() throws Exception {
    try (Scenario s = scenario("bad_kafka")) {
      s.set("kafka.bootstrap.servers", "127.0.0.1:1");
      String out = runExpectingFailure(s, -1);
      assertTrue(out.contains("Cannot reach Kafka at 127.0.0.1:1"), out);
      assertNothingWritten(s);
    }
  }

  @Test
  void aJobClassThatThrowsInItsConstructorIsNamedWithTheCause() throws Exception {
    try (Scenario s = scenario("bad_constructor")) {
      s.set("job.class", ThrowingConstructorJob.class.getName());
      String out = runExpectingFailure(s, 2);
      assertTrue(out.contains("Job class '" + ThrowingConstructorJob.class.getName()
          + "' threw in its constructor"), out);
      assertTrue(out.contains("the pricing table could not be loaded"), out);
      assertNothingWritten(s);
    }
  }

  @Test
  void aDatabaseUserWithoutRightsOnTheSinkTableStopsTheWorkerAndNothingIsCommitted() throws Exception {
    String role = "onceflow_norights_" + Long.toHexString(System.nanoTime());
    try (Scenario s = scenario("no_rights")) {
      s.produce(0, 1_000);
      try (Connection c = s.connect(); Statement st = c.createStatement()) {
        st.execute("CREATE ROLE " + role + " LOGIN");
        st.execute("CREATE TABLE user_totals (user_id text PRIMARY KEY, events bigint NOT NULL,"
            + " amount bigint NOT NULL)");
        st.execute("GRANT USAGE, CREATE ON SCHEMA public TO " + role);
        org.postgresql.ds.PGSimpleDataSource admin = new org.postgresql.ds.PGSimpleDataSource();
        admin.setURL(s.config().postgresUrl());
        io.onceflow.ledger.LedgerSchema.migrate(admin);
        st.execute("GRANT USAGE ON SCHEMA onceflow TO " + role);
        st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA onceflow TO " + role);
        st.execute("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA onceflow TO " + role);
      }
      try {
        s.set("postgres.url", s.config().postgresUrl().replace("user=postgres", "user=" + role));
        String out = runFailing(s, 1);
        assertTrue(out.contains("The database refused job " + AggJob.class.getName() + " a right"), out);
        assertTrue(out.contains("permission denied for table user_totals"), out);
        try (Connection c = s.connect(); Statement st = c.createStatement()) {
          assertEquals(0, count(st, "SELECT coalesce(sum(until_offset - start_offset), 0) FROM onceflow.offsets"),
              "nothing committed");
          assertEquals(0, count(st, "SELECT count(*) FROM onceflow.dead_letters"),
              "a missing right is no reason to dead-letter records");
          assertEquals(0, count(st, "SELECT count(*) FROM user_totals"));
        }
      } finally {
        s.close(); // the role's grants go with the database
        try (Connection c = java.sql.DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
            Statement st = c.createStatement()) {
          st.execute("DROP ROLE IF EXISTS " + role);
        }
      }
    }
  }

  @Test
  void aSecondConfigurationUnderTheSameJobNameWithOtherTopicsIsRefused() throws Exception {
    try (Scenario s = scenario("same_name")) {
      s.produce(0, 1_000);
      try (io.onceflow.runtime.Engine engine =
          io.onceflow.runtime.Engine.start(s.config(), io.onceflow.runtime.Engine.Role.LOCAL)) {
        s.awaitCommitted(1_000, Duration.ofMinutes(1), () -> String.valueOf(engine.failure()));
      }
      String other = s.kafka.createTopic(io.onceflow.testkit.TestKafka.uniqueTopic("same_name_other"), 1);
      s.set("source.topics", other);
      String out = runFailing(s, 1);
      assertTrue(out.contains("Job 'same_name' already exists in the ledger with sources 'topics:"
          + s.topic + "'"), out);
      assertTrue(out.contains("this configuration reads 'topics:" + other + "'"), out);
      try (Connection c = s.connect(); Statement st = c.createStatement()) {
        assertEquals(0, count(st, "SELECT count(*) FROM onceflow.offsets WHERE topic = '" + other + "'"),
            "nothing planned or committed for the other topic");
        assertEquals(1_000, count(st, "SELECT sum(until_offset - start_offset) FROM onceflow.offsets"),
            "the first job's offsets are untouched");
      }
    }
  }

  /** Runs {@code onceflow run} and expects exit code {@code expected}; logs may hold stack traces. */
  private String runFailing(Scenario s, int expected) throws Exception {
    try (EngineProcess p = EngineProcess.start(s.job, "run", s.writeConfig(dir), Map.of())) {
      int exit = p.awaitExit(Duration.ofSeconds(90));
      assertEquals(expected, exit, p.output());
      return p.output();
    }
  }

  private static long count(Statement st, String sql) throws Exception {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Scenario scenario(String name) {
    return Scenario.create(name, AggJob.class, Workload.standard(), 1);
  }

  /** Runs {@code onceflow run}; expects a failing exit ({@code expected}, or any if -1). */
  private String runExpectingFailure(Scenario s, int expected) throws Exception {
    Path config = s.writeConfig(dir);
    try (EngineProcess p = EngineProcess.start(s.job, "run", config, Map.of())) {
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

  private static void assertNothingWritten(Scenario s) throws Exception {
    try (Connection c = s.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'onceflow'")) {
      rs.next();
      assertEquals(0, rs.getInt(1), "the ledger schema must not have been created");
    }
  }
}
