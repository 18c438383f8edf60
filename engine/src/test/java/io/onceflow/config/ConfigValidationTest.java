package io.onceflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigValidationTest {

  // ---- unknown keys -----------------------------------------------------------------------

  @Test
  void unknownKeyNamesTheNearestValidKey() {
    String message = Minimal.problems(Minimal.with("batch.interval", "500"));
    assertEquals(
        "Unknown configuration key 'batch.interval' in the given map."
            + " Did you mean 'batch.interval.ms'?",
        message);
  }

  @ParameterizedTest
  @CsvSource({
    "wroker.threads, worker.threads",
    "job.nmae, job.name",
    "kafka.bootstrap.server, kafka.bootstrap.servers",
    "kafka.security.protocl, kafka.security.protocol",
    "postgres.sslmod, postgres.sslmode",
    "postgres.applicationname, postgres.ApplicationName",
    "source.topic, source.topics",
  })
  void misspeltKeySuggestsTheIntendedOne(String typo, String intended) {
    String message = Minimal.problems(Minimal.with(typo, "x"));
    assertTrue(message.contains("'" + typo + "'"), message);
    assertTrue(message.contains("Did you mean '" + intended + "'?"), message);
  }

  @Test
  void unknownKeyFarFromEveryKeyGetsNoGuess() {
    String message = Minimal.problems(Minimal.with("metrics.port", "9400"));
    assertEquals("Unknown configuration key 'metrics.port' in the given map.", message);
  }

  @Test
  void kafkaSettingsAreCheckedAgainstKafkasOwnNames() {
    String message = Minimal.problems(Minimal.with("kafka.ack", "all")); // no client knows it
    assertTrue(message.startsWith("Unknown configuration key 'kafka.ack'"), message);
    assertTrue(message.contains("Kafka consumer, admin client or producer settings"), message);
    // a producer setting is accepted: the outbox relay's producer gets it
    assertEquals("all", OnceflowConfig.fromMap(Minimal.with("kafka.acks", "all"))
        .kafkaProducerProperties().getProperty("acks"));
  }

  @Test
  void jobParamsAcceptAnyName() {
    Map<String, String> m = Minimal.with("job.param.Any_Name.at-all", "1");
    assertEquals(Map.of("Any_Name.at-all", "1"), OnceflowConfig.fromMap(m).jobParams());
  }

  @Test
  void barePrefixIsUnknown() {
    assertTrue(Minimal.problems(Minimal.with("job.param.", "1")).contains("'job.param.'"));
  }

  // ---- types and ranges -------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "batch.interval.ms; soon; expected a long integer > 0",
        "batch.interval.ms; 0; expected a long integer > 0",
        "batch.max.records.per.partition; -5; expected a long integer > 0",
        "batch.max.in.flight; 0; expected an integer >= 1",
        "worker.threads; 2.5; expected an integer >= 1",
        "worker.threads; 99999999999; expected an integer >= 1",
        "worker.lease.ms; 999; expected a long integer >= 1000",
        "worker.task.attempts; 0; expected an integer >= 1",
        "driver.standby.poll.ms; 0; expected a long integer > 0",
        "postgres.pool.size; 0; expected an integer >= 1",
        "value.format; avro; expected one of string, bytes, json",
        "source.starting; beginning; expected one of earliest, latest, timestamp, offsets",
        "job.name; orders/eu; expected a string matching [A-Za-z0-9._-]{1,100}",
        "job.class; 9lives.Job; expected a string naming a class",
        "postgres.url; jdbc:mysql://db/app; expected a string starting with jdbc:postgresql:",
        "kafka.bootstrap.servers; localhost; expected a string of the form host:port",
        "source.topics; a,,b; expected a comma-separated list",
        "source.topics; orders,orders; 'orders' is listed twice",
        "source.topics; orders eu; of Kafka topic names",
      })
  void wrongValueNamesKeyValueAndExpectation(String key, String value, String expected) {
    String message = Minimal.problems(Minimal.with(key, value));
    assertTrue(
        message.startsWith("Invalid value '" + value + "' for '" + key + "' (from the given map)"),
        message);
    assertTrue(message.contains(expected), message);
  }

  @Test
  void regexThatDoesNotCompileSaysWhy() {
    Map<String, String> m = Minimal.with("source.topics", null);
    m.put("source.pattern", "orders-(eu");
    String message = Minimal.problems(m);
    assertTrue(message.startsWith("Invalid value 'orders-(eu' for 'source.pattern'"), message);
    assertTrue(message.contains("expected a regular expression (Unclosed group"), message);
  }

  @Test
  void jobNameLongerThanAHundredCharactersIsRefused() {
    assertTrue(Minimal.problems(Minimal.with("job.name", "j".repeat(101))).contains("'job.name'"));
    OnceflowConfig.fromMap(Minimal.with("job.name", "j".repeat(100)));
  }

  @Test
  void nestedClassNamesAreValid() {
    assertEquals(
        "com.example.Jobs$Totals",
        OnceflowConfig.fromMap(Minimal.with("job.class", "com.example.Jobs$Totals")).jobClass());
  }

  // ---- missing keys and reporting everything -----------------------------------------------

  @Test
  void missingRequiredKeysAreReportedTogether() {
    String message = Minimal.problems(Map.of("source.topics", "orders"));
    assertEquals(
        String.join(
            "\n",
            "The configuration has 4 problems:",
            "  - Missing required key 'job.name': set it in the configuration file or as"
                + " ONCEFLOW_JOB_NAME.",
            "  - Missing required key 'job.class': set it in the configuration file or as"
                + " ONCEFLOW_JOB_CLASS.",
            "  - Missing required key 'kafka.bootstrap.servers': set it in the configuration file"
                + " or as ONCEFLOW_KAFKA_BOOTSTRAP_SERVERS.",
            "  - Missing required key 'postgres.url': set it in the configuration file or as"
                + " ONCEFLOW_POSTGRES_URL."),
        message);
  }

  @Test
  void everyKindOfProblemIsReportedOnItsOwnLine() {
    Map<String, String> m = Minimal.with("job.name", null);
    m.put("batch.interval", "5");
    m.put("worker.threads", "many");
    m.put("kafka.enable.auto.commit", "true");
    m.put("source.pattern", "orders.*");

    String[] lines = Minimal.problems(m).split("\n");

    assertEquals("The configuration has 5 problems:", lines[0]);
    assertEquals(6, lines.length);
    assertTrue(lines[1].contains("Unknown configuration key 'batch.interval'"), lines[1]);
    assertTrue(lines[2].contains("Invalid value 'many' for 'worker.threads'"), lines[2]);
    assertTrue(lines[3].contains("Missing required key 'job.name'"), lines[3]);
    assertTrue(lines[4].contains("Refused 'kafka.enable.auto.commit=true'"), lines[4]);
    assertTrue(lines[5].contains("exactly one of 'source.topics'"), lines[5]);
  }

  @Test
  void anInvalidInputDoesNotCascadeIntoDerivedDefaults() {
    String message = Minimal.problems(Minimal.with("worker.threads", "zero"));
    assertFalse(message.contains("pool"), message);
    assertFalse(message.contains("\n"), "one mistake, one line: " + message);
  }

  @Test
  void emptyValueMeansNotSet() {
    assertTrue(
        Minimal.problems(Minimal.with("job.name", "  "))
            .contains("Missing required key 'job.name'"));
    OnceflowConfig c = OnceflowConfig.fromMap(Minimal.with("job.jar", ""));
    assertTrue(c.jobJar().isEmpty());
  }

  // ---- source -----------------------------------------------------------------------------

  @Test
  void topicsAndPatternBothSetIsAnError() {
    Map<String, String> m = Minimal.with("source.pattern", "orders.*");
    String message = Minimal.problems(m);
    assertTrue(
        message.startsWith(
            "Set exactly one of 'source.topics' (a comma-separated list of topics) or"
                + " 'source.pattern' (a regular expression matching topic names): both are set"),
        message);
  }

  @Test
  void neitherTopicsNorPatternIsAnError() {
    String message = Minimal.problems(Minimal.with("source.topics", null));
    assertTrue(message.contains("exactly one of 'source.topics'"), message);
    assertTrue(message.endsWith("neither is set."), message);
  }

  @Test
  void timestampIsRequiredWhenStartingAtATimestamp() {
    String message = Minimal.problems(Minimal.with("source.starting", "timestamp"));
    assertEquals(
        "Missing key 'source.starting.timestamp': it is required when source.starting=timestamp"
            + " (expected a long integer >= 0).",
        message);
  }

  @Test
  void timestampWithoutStartingAtATimestampIsAnError() {
    String message = Minimal.problems(Minimal.with("source.starting.timestamp", "1700000000000"));
    assertTrue(
        message.contains(
            "'source.starting.timestamp' (from the given map) is set but"
                + " source.starting=earliest does not use it: set source.starting=timestamp"),
        message);
  }

  @Test
  void offsetsAreRequiredWhenStartingAtOffsets() {
    String message = Minimal.problems(Minimal.with("source.starting", "offsets"));
    assertTrue(message.startsWith("Missing key 'source.starting.offsets'"), message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "orders; 'orders' is not topic:partition=offset",
        "orders:0; 'orders:0' is not topic:partition=offset",
        "orders:x=5; 'orders:x=5' is not topic:partition=offset",
        "orders:0=-1; 'orders:0=-1' is not topic:partition=offset with partition and offset >= 0",
        "orders:0=1,orders:0=2; partition orders:0 is listed twice",
        ":0=1; is not topic:partition=offset",
      })
  void malformedStartingOffsetsAreNamed(String offsets, String detail) {
    Map<String, String> m = Minimal.with("source.starting", "offsets");
    m.put("source.starting.offsets", offsets);
    String message = Minimal.problems(m);
    assertTrue(
        message.startsWith("Invalid value '" + offsets + "' for 'source.starting.offsets'"),
        message);
    assertTrue(message.contains(detail), message);
  }

  @Test
  void startingOffsetsMustNameTopicsTheJobReads() {
    Map<String, String> m = Minimal.with("source.starting", "offsets");
    m.put("source.starting.offsets", "orders:0=5,payments:1=7");
    assertEquals(
        "Key 'source.starting.offsets' names topic payments, which the job does not read"
            + " (source.topics=orders).",
        Minimal.problems(m));

    m.put("source.topics", null);
    m.remove("source.topics");
    m.put("source.pattern", "orders|payments");
    assertEquals(2, OnceflowConfig.fromMap(m).startingPosition().offsets().size());
  }

  // ---- refusals ---------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "kafka.enable.auto.commit; true; offsets live in the ledger, committed with the results;"
            + " Kafka's auto-commit would record progress the sink never saw",
        "kafka.enable.auto.commit; TRUE; offsets live in the ledger",
        "kafka.isolation.level; read_uncommitted; records of aborted Kafka transactions would be"
            + " applied",
        "kafka.auto.offset.reset; earliest; source.starting",
        "kafka.value.deserializer; org.apache.kafka.common.serialization.StringDeserializer;"
            + " becomes a dead letter",
        "kafka.key.deserializer; com.example.Custom; decodes values itself by value.format",
        "postgres.autosave; always; pgjdbc autosave silently rolls back to savepoints",
        "postgres.autosave; conservative; the fence rule",
      })
  void settingsThatBreakExactlyOnceAreRefusedWithTheReason(
      String key, String value, String reason) {
    String message = Minimal.problems(Minimal.with(key, value));
    assertTrue(
        message.startsWith("Refused '" + key + "=" + value + "' (from the given map): "), message);
    assertTrue(message.contains(reason), message);
  }

  @Test
  void harmlessValuesOfRefusableKeysAreAccepted() {
    Map<String, String> m = Minimal.map();
    m.put("kafka.enable.auto.commit", "false");
    m.put("kafka.isolation.level", "read_committed");
    m.put(
        "kafka.value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    m.put("postgres.autosave", "never");
    m.put("kafka.group.id", "ignored");
    OnceflowConfig.fromMap(m);
  }

  @Test
  void autosaveInTheUrlIsRefusedToo() {
    String message =
        Minimal.problems(
            Minimal.with("postgres.url", "jdbc:postgresql://db/app?ssl=true&autosave=always"));
    assertTrue(
        message.startsWith("Refused 'autosave=always' in 'postgres.url' (from the given map): "),
        message);
    OnceflowConfig.fromMap(Minimal.with("postgres.url", "jdbc:postgresql://db/app?autosave=never"));
  }

  @Test
  void poolSmallerThanWorkerThreadsIsRefused() {
    Map<String, String> m = Minimal.with("worker.threads", "8");
    m.put("postgres.pool.size", "4");
    assertEquals(
        "Key 'postgres.pool.size' (4, from the given map) must be at least worker.threads (8):"
            + " each worker thread holds one connection for its task's transaction.",
        Minimal.problems(m));
  }

  @Test
  void nullValuesInTheMapCountAsUnset() {
    Map<String, String> m = new HashMap<>(Minimal.map());
    m.put("job.jar", null);
    assertTrue(OnceflowConfig.fromMap(m).jobJar().isEmpty());
  }
}
