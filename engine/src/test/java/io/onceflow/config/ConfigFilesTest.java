package io.onceflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.api.ValueFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFilesTest {

  @TempDir Path dir;

  private Path write(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void readsAPropertiesFile() throws IOException {
    Path file =
        write(
            "job.properties",
            "# a comment",
            "job.name = orders",
            "job.class=com.example.TotalsJob",
            "source.topics=orders, returns",
            "kafka.bootstrap.servers=k1:9092,k2:9092",
            "postgres.url=jdbc:postgresql://db/app",
            "value.format=json",
            "job.param.table=totäls");

    OnceflowConfig c = OnceflowConfig.load(file, Map.of());

    assertEquals("orders", c.jobName());
    assertEquals(List.of("orders", "returns"), c.sourceTopics());
    assertEquals("k1:9092,k2:9092", c.kafkaBootstrapServers());
    assertEquals(ValueFormat.JSON, c.valueFormat());
    assertEquals(Map.of("table", "totäls"), c.jobParams(), "files are read as UTF-8");
  }

  @Test
  void readsAYamlFileFlatteningMapsAndJoiningLists() throws IOException {
    Path file =
        write(
            "job.yaml",
            "job:",
            "  name: orders",
            "  class: com.example.TotalsJob",
            "  param:",
            "    table: totals",
            "    window.minutes: 5",
            "source:",
            "  topics: [orders, returns]",
            "  starting: timestamp",
            "  starting.timestamp: 1700000000000",
            "kafka:",
            "  bootstrap.servers: localhost:9092",
            "  security:",
            "    protocol: SSL",
            "postgres:",
            "  url: jdbc:postgresql://db/app",
            "  pool.size: 9",
            "batch.interval.ms: 250",
            "worker:",
            "  threads: 4");

    OnceflowConfig c = OnceflowConfig.load(file, Map.of());

    assertEquals("orders", c.jobName());
    assertEquals(Map.of("table", "totals", "window.minutes", "5"), c.jobParams());
    assertEquals(List.of("orders", "returns"), c.sourceTopics());
    assertEquals(StartingPosition.timestamp(1_700_000_000_000L), c.startingPosition());
    assertEquals("SSL", c.kafkaConsumerProperties().getProperty("security.protocol"));
    assertEquals(9, c.postgresPoolSize());
    assertEquals(250L, c.batchIntervalMs());
    assertEquals(4, c.workerThreads());
  }

  @Test
  void ymlExtensionAndBlockListsWork() throws IOException {
    Path file =
        write(
            "job.yml",
            "job.name: orders",
            "job.class: com.example.TotalsJob",
            "source.topics:",
            "  - orders",
            "  - returns",
            "kafka.bootstrap.servers: localhost:9092",
            "postgres.url: jdbc:postgresql://db/app");
    assertEquals(List.of("orders", "returns"), OnceflowConfig.load(file, Map.of()).sourceTopics());
  }

  @Test
  void unknownKeyInAFileNamesTheFile() throws IOException {
    Path file = write("job.properties", "batch.interval=500");
    String message = Minimal.problems(() -> OnceflowConfig.load(file, Map.of()));
    assertTrue(
        message.contains(
            "Unknown configuration key 'batch.interval' in "
                + file
                + ". Did you mean 'batch.interval.ms'?"),
        message);
  }

  @Test
  void invalidValueInAYamlFileNamesTheFile() throws IOException {
    Path file = write("job.yaml", "worker:", "  threads: 2.5");
    String message = Minimal.problems(() -> OnceflowConfig.load(file, Map.of()));
    assertTrue(
        message.contains(
            "Invalid value '2.5' for 'worker.threads' (from " + file + "): expected an integer"),
        message);
  }

  @Test
  void keySetTwiceInAYamlFileIsAnError() throws IOException {
    Path file =
        write(
            "job.yaml", "kafka:", "  bootstrap.servers: a:9092", "kafka.bootstrap.servers: b:9092");
    String message = Minimal.problems(() -> OnceflowConfig.load(file, Map.of()));
    assertTrue(
        message.contains("Key 'kafka.bootstrap.servers' is set more than once in " + file),
        message);
  }

  @Test
  void keySetTwiceInAPropertiesFileIsAnError() throws IOException {
    Path file = write("job.properties", "worker.threads=2", "worker.threads=4");
    String message = Minimal.problems(() -> OnceflowConfig.load(file, Map.of()));
    assertTrue(message.contains("Key 'worker.threads' is set more than once in " + file), message);
  }

  @Test
  void duplicateMapKeyInYamlIsAnError() throws IOException {
    Path file = write("job.yaml", "worker:", "  threads: 2", "worker:", "  threads: 4");
    String message = Minimal.problems(() -> OnceflowConfig.load(file, Map.of()));
    assertTrue(message.contains(file.toString()), message);
    assertTrue(message.toLowerCase().contains("duplicate"), message);
  }

  @Test
  void yamlSyntaxErrorGivesTheLocationButNotTheLine() throws IOException {
    Path file = write("job.yaml", "postgres:", "  password: hunter2: oops", "  url: [");
    String message = Minimal.problems(() -> OnceflowConfig.load(file, Map.of()));
    assertTrue(message.startsWith("Cannot parse YAML file '" + file + "' at line 2"), message);
    assertTrue(!message.contains("hunter2"), message);
  }

  @Test
  void yamlListOfMapsIsRefused() throws IOException {
    Path file = write("job.yaml", "source:", "  topics:", "    - name: orders");
    String message = Minimal.problems(() -> OnceflowConfig.load(file, Map.of()));
    assertTrue(message.contains("'source.topics'"), message);
    assertTrue(message.contains("must be a list of plain values"), message);
  }

  @Test
  void emptyYamlFileIsJustEmpty() throws IOException {
    Path file = write("job.yaml", "# nothing yet");
    String message = Minimal.problems(() -> OnceflowConfig.load(file, Map.of()));
    assertTrue(message.contains("Missing required key 'job.name'"), message);
  }

  @Test
  void missingFileAndUnknownExtensionAreClear() throws IOException {
    Path missing = dir.resolve("nope.yaml");
    assertEquals(
        "Configuration file '" + missing + "' does not exist.",
        Minimal.problems(() -> OnceflowConfig.load(missing, Map.of())));
    Path json = write("job.json", "{}");
    assertEquals(
        "Unsupported configuration file '" + json + "': use a .properties, .yaml or .yml file.",
        Minimal.problems(() -> OnceflowConfig.load(json, Map.of())));
  }

  @Test
  void environmentOverridesTheFile() throws IOException {
    Path file =
        write(
            "job.properties",
            "job.name=orders",
            "job.class=com.example.TotalsJob",
            "source.topics=orders",
            "kafka.bootstrap.servers=localhost:9092",
            "postgres.url=jdbc:postgresql://db/app",
            "batch.interval.ms=1000",
            "job.jar=/opt/old.jar");

    OnceflowConfig c =
        OnceflowConfig.load(
            file,
            Map.of(
                "ONCEFLOW_BATCH_INTERVAL_MS", "200",
                "ONCEFLOW_KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                "ONCEFLOW_JOB_JAR", "",
                "PATH", "/usr/bin"));

    assertEquals(200L, c.batchIntervalMs());
    assertEquals("broker:9093", c.kafkaBootstrapServers());
    assertTrue(c.jobJar().isEmpty(), "an empty variable unsets the file's value");
    assertTrue(c.describe().contains("(env ONCEFLOW_BATCH_INTERVAL_MS)"), c.describe());
  }

  @Test
  void invalidOverrideNamesTheVariable() throws IOException {
    Path file = write("job.properties", "worker.threads=2");
    String message =
        Minimal.problems(() -> OnceflowConfig.load(file, Map.of("ONCEFLOW_WORKER_THREADS", "0")));
    assertTrue(
        message.contains(
            "Invalid value '0' for 'worker.threads' (from env ONCEFLOW_WORKER_THREADS)"),
        message);
  }
}
