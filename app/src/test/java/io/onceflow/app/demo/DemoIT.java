package io.onceflow.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code onceflow demo} as a user runs it: the packaged jar in its own JVM, a real Kafka broker,
 * a real PostgreSQL (a fresh database of the test server, see {@link TestDatabase}). Passes only
 * if the demo exits 0 with a passing verdict and the table, read here independently, holds every
 * event once.
 */
class DemoIT {
  private static final long RECORDS = 20_000;
  private static final long TIMEOUT_SECONDS = 300;

  @TempDir Path dir;

  @Test
  void demoPassesItsVerdictAndExitsZero() throws Exception {
    try (TestDatabase db = TestDatabase.create()) {
      Path output = dir.resolve("demo.out");
      Process demo =
          new ProcessBuilder(
                  List.of(
                      Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                      "-cp",
                      appJar() + java.io.File.pathSeparator + Path.of(appJar()).resolveSibling("lib").resolve("*"),
                      "io.onceflow.app.Main",
                      "demo",
                      "--records",
                      Long.toString(RECORDS),
                      "--postgres-url",
                      db.jdbcUrl(),
                      "--timeout-seconds",
                      "240"))
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      boolean exited = demo.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!exited) {
        demo.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      String printed = Files.readString(output);
      assertTrue(exited, () -> "the demo did not end within " + TIMEOUT_SECONDS + " s:\n" + printed);
      assertEquals(0, demo.exitValue(), () -> "exit code, output:\n" + printed);
      assertTrue(printed.contains("Verdict     PASS: "), printed);
      assertTrue(printed.contains("20,000 / 20,000 records committed (100%)"), printed);
      assertEquals(RECORDS, eventsInDemoTable(db), printed);
    }
  }

  private static long eventsInDemoTable(TestDatabase db) throws Exception {
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT sum(events) FROM " + DemoSink.TABLE)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String appJar() throws IOException {
    String jar = System.getProperty("onceflow.app.jar");
    if (jar == null || !Files.exists(Path.of(jar))) {
      throw new IOException(
          "the packaged app jar is missing (" + jar + "): run through Maven's verify phase");
    }
    return jar;
  }
}
