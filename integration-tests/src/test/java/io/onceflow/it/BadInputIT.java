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
