package io.onceflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exit codes and messages of {@code run}, {@code driver} and {@code worker} for configurations
 * that must be refused before anything connects to a server: no Kafka or PostgreSQL is needed.
 */
class EngineCommandTest {

  @TempDir Path dir;

  private Path file(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  /** Complete but for the job class; servers that nothing ever reaches. */
  private String almostValid() {
    return "job.name=t\n"
        + "source.topics=events\n"
        + "kafka.bootstrap.servers=127.0.0.1:1\n"
        + "postgres.url=jdbc:postgresql://127.0.0.1:1/none\n";
  }

  @Test
  void missingConfigFileIsAConfigError() {
    Cli cli = Cli.run("run", "--config", dir.resolve("nope.properties").toString());
    assertEquals(ExitCodes.CONFIG, cli.exitCode, cli::toString);
    assertTrue(cli.err.startsWith("onceflow: configuration error: "), cli::toString);
    assertTrue(cli.err.contains("nope.properties"), cli::toString);
    assertEquals(1, cli.err.lines().count(), cli::toString);
  }

  @Test
  void unknownKeyIsAConfigErrorThatSuggestsTheKey() throws IOException {
    Path config = file("job.properties", almostValid() + "job.clas=com.example.Job\n");
    for (String command : new String[] {"run", "driver", "worker"}) {
      Cli cli = Cli.run(command, "-c", config.toString());
      assertEquals(ExitCodes.CONFIG, cli.exitCode, cli::toString);
      assertTrue(cli.err.contains("Did you mean 'job.class'?"), cli::toString);
      assertFalse(cli.err.contains("\tat "), () -> "no stack trace without --verbose: " + cli);
    }
  }

  @Test
  void yamlFilesAreReadToo() throws IOException {
    Path config =
        file(
            "job.yaml",
            "job:\n  name: t\n  clas: com.example.Job\nsource.topics: events\n"
                + "kafka.bootstrap.servers: 127.0.0.1:1\n"
                + "postgres.url: jdbc:postgresql://127.0.0.1:1/none\n");
    Cli cli = Cli.run("run", "--config", config.toString());
    assertEquals(ExitCodes.CONFIG, cli.exitCode, cli::toString);
    assertTrue(cli.err.contains("job.clas"), cli::toString);
  }

  @Test
  void configFileMayComeFromTheEnvironment() throws IOException {
    Path config = file("env.properties", almostValid() + "job.clas=com.example.Job\n");
    Cli cli = Cli.run(Map.of("ONCEFLOW_CONFIG", config.toString()), "worker");
    assertEquals(ExitCodes.CONFIG, cli.exitCode, cli::toString);
    assertTrue(cli.err.contains("env.properties"), cli::toString);
  }

  @Test
  void environmentOverridesTheFile() throws IOException {
    Path config = file("job.properties", almostValid() + "job.class=com.example.Job\n");
    Cli cli =
        Cli.run(Map.of("ONCEFLOW_BATCH_INTERVAL_MS", "-5"), "run", "-c", config.toString());
    assertEquals(ExitCodes.CONFIG, cli.exitCode, cli::toString);
    assertTrue(cli.err.contains("batch.interval.ms"), cli::toString);
  }

  @Test
  void misspeltOverrideIsAConfigError() throws IOException {
    Path config = file("job.properties", almostValid() + "job.class=com.example.Job\n");
    Cli cli = Cli.run(Map.of("ONCEFLOW_BATCH_INTERVL_MS", "5"), "run", "-c", config.toString());
    assertEquals(ExitCodes.CONFIG, cli.exitCode, cli::toString);
    assertTrue(cli.err.contains("ONCEFLOW_BATCH_INTERVL_MS"), cli::toString);
  }

  @Test
  void launcherJavaOptionsAreNotTakenForAnOverride() throws IOException {
    Path config = file("job.properties", almostValid() + "job.clas=com.example.Job\n");
    Cli cli = Cli.run(Map.of("ONCEFLOW_JAVA_OPTS", "-Xmx1g"), "run", "-c", config.toString());
    assertEquals(ExitCodes.CONFIG, cli.exitCode, cli::toString);
    assertFalse(cli.err.contains("ONCEFLOW_JAVA_OPTS"), cli::toString);
  }

  @Test
  void withoutAFileTheEnvironmentAloneConfigures() {
    Cli cli = Cli.run(Map.of("ONCEFLOW_JOB_NAME", "t"), "run");
    assertEquals(ExitCodes.CONFIG, cli.exitCode, cli::toString);
    assertTrue(cli.err.contains("Missing required key 'job.class'"), cli::toString);
  }

  @Test
  void unknownJobClassIsAConfigErrorBeforeAnyServerIsContacted() throws IOException {
    Path config = file("job.properties", almostValid() + "job.class=com.example.NoSuchJob\n");
    long started = System.nanoTime();
    Cli cli = Cli.run("run", "-c", config.toString());
    assertEquals(ExitCodes.CONFIG, cli.exitCode, cli::toString);
    assertTrue(cli.err.contains("com.example.NoSuchJob"), cli::toString);
    assertEquals(1, cli.err.lines().count(), cli::toString);
    // the Kafka probe would have waited 15 s on 127.0.0.1:1
    assertTrue(System.nanoTime() - started < 10_000_000_000L, cli::toString);
  }

  @Test
  void verbosePrintsTheStackTraceBeforeOrAfterTheCommand() throws IOException {
    Path config = file("job.properties", almostValid() + "job.class=com.example.NoSuchJob\n");
    Cli before = Cli.run("--verbose", "run", "-c", config.toString());
    Cli after = Cli.run("run", "-c", config.toString(), "--verbose");
    for (Cli cli : new Cli[] {before, after}) {
      assertEquals(ExitCodes.CONFIG, cli.exitCode, cli::toString);
      assertTrue(cli.err.contains("\tat io.onceflow."), cli::toString);
    }
  }
}
