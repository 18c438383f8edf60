package io.onceflow.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The demo's options; the demo itself runs in {@link DemoIT}. */
class DemoCommandTest {

  private static DemoCommand parse(Map<String, String> env, String... args) {
    DemoCommand demo = new DemoCommand(env);
    new CommandLine(demo).parseArgs(args);
    return demo;
  }

  @Test
  void defaultsAreTheNewcomersDemo() {
    DemoCommand demo = parse(Map.of());
    assertEquals(200_000, demo.records);
    assertEquals(8, demo.partitions);
    assertEquals(10_000, demo.users);
    assertEquals(2, demo.threads);
    assertEquals(600, demo.timeoutSeconds);
    assertNull(demo.givenPostgresUrl(), "no URL anywhere: embedded PostgreSQL");
  }

  @Test
  void postgresUrlFlagWinsOverTheEnvironment() {
    Map<String, String> env = Map.of("ONCEFLOW_POSTGRES_URL", "jdbc:postgresql://env/db");
    assertEquals("jdbc:postgresql://env/db", parse(env).givenPostgresUrl());
    assertEquals(
        "jdbc:postgresql://flag/db",
        parse(env, "--postgres-url", "jdbc:postgresql://flag/db").givenPostgresUrl());
  }

  @Test
  void capGivesSeveralBatchesPerPartition() {
    assertEquals(5_000, parse(Map.of()).perPartitionCap());
    assertEquals(500, parse(Map.of(), "--records", "20000").perPartitionCap());
    assertEquals(1, parse(Map.of(), "--records", "3").perPartitionCap());
  }

  @ParameterizedTest
  @ValueSource(strings = {"--records", "--partitions", "--users", "--threads", "--timeout-seconds"})
  void nonPositiveCountsAreUsageErrors(String option) {
    CommandLine cli = new CommandLine(new DemoCommand(Map.of()));
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(option, "0");
    assertEquals(2, code, err::toString);
    assertTrue(err.toString().contains(option + " must be at least 1"), err::toString);
  }
}
