package io.onceflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvOverridesTest {

  /** The minimal configuration as environment variables. */
  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    Minimal.map().forEach((k, v) -> env.put(EnvOverrides.envName(k), v));
    return env;
  }

  @ParameterizedTest
  @CsvSource({
    "ONCEFLOW_BATCH_INTERVAL_MS, batch.interval.ms",
    "ONCEFLOW_KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrap.servers",
    "ONCEFLOW_POSTGRES_URL, postgres.url",
    "ONCEFLOW_POSTGRES_POOL_SIZE, postgres.pool.size",
    "ONCEFLOW_SOURCE_STARTING_OFFSETS, source.starting.offsets",
    "ONCEFLOW_KAFKA_SASL_JAAS_CONFIG, kafka.sasl.jaas.config",
    "ONCEFLOW_KAFKA_SECURITY_PROTOCOL, kafka.security.protocol",
    "ONCEFLOW_POSTGRES_SSLMODE, postgres.sslmode",
    "ONCEFLOW_POSTGRES_APPLICATIONNAME, postgres.ApplicationName",
    "ONCEFLOW_JOB_PARAM_TARGET_TABLE, job.param.target.table",
  })
  void variableMapsToItsKey(String variable, String key) {
    assertEquals(Optional.of(key), EnvOverrides.keyFor(variable));
  }

  @Test
  void everyDeclaredKeyRoundTripsThroughItsVariable() {
    for (ConfigKey<?> key : ConfigKeys.all()) {
      assertEquals(Optional.of(key.name()), EnvOverrides.keyFor(key.envName()), key.name());
    }
  }

  @Test
  void environmentAloneIsAConfiguration() {
    Map<String, String> env = env();
    env.put("ONCEFLOW_WORKER_THREADS", "7");
    env.put("ONCEFLOW_JOB_PARAM_TARGET_TABLE", "totals");
    env.put("ONCEFLOW_POSTGRES_PASSWORD", "pw");

    OnceflowConfig c = OnceflowConfig.load(null, env);

    assertEquals("orders", c.jobName());
    assertEquals(7, c.workerThreads());
    assertEquals(Map.of("target.table", "totals"), c.jobParams());
    assertEquals("pw", c.postgresProperties().getProperty("password"));
  }

  @Test
  void unknownOnceflowVariableIsAnErrorWithASuggestion() {
    Map<String, String> env = env();
    env.put("ONCEFLOW_BATCH_INTERVAL", "500");
    assertEquals(
        "Unknown environment variable 'ONCEFLOW_BATCH_INTERVAL': it matches no configuration key."
            + " Did you mean 'ONCEFLOW_BATCH_INTERVAL_MS' (batch.interval.ms)?",
        Minimal.problems(() -> OnceflowConfig.load(null, env)));
  }

  @Test
  void unknownVariableFarFromEveryKeyListsTheAllowedOnes() {
    Map<String, String> env = env();
    env.put("ONCEFLOW_DEBUG", "1");
    String message = Minimal.problems(() -> OnceflowConfig.load(null, env));
    assertTrue(message.startsWith("Unknown environment variable 'ONCEFLOW_DEBUG'"), message);
    assertTrue(message.contains("ONCEFLOW_CONFIG, ONCEFLOW_HOME"), message);
  }

  @Test
  void applicationVariablesAreLeftAlone() {
    Map<String, String> env = env();
    env.put("ONCEFLOW_CONFIG", "/etc/onceflow/job.yaml");
    env.put("ONCEFLOW_HOME", "/opt/onceflow");
    env.put("ONCEFLOW_BROKER_CLASSPATH", "/tmp/cp.txt");
    env.put("ONCEFLOW_TEST_KEEP_SCHEMA", "true");
    env.put("ONCEFLOW_CRASH_AFTER_FENCE", "3");
    env.put("HOME", "/root");
    env.put("onceflow_worker_threads", "3"); // not our prefix: ignored

    assertEquals(2, OnceflowConfig.load(null, env).workerThreads());
  }

  @Test
  void allowListMatchesPrefixesOnlyWhereStarred() {
    assertTrue(EnvOverrides.isNotConfigKey("ONCEFLOW_TEST_ANYTHING"));
    assertTrue(EnvOverrides.isNotConfigKey("ONCEFLOW_CONFIG"));
    assertTrue(!EnvOverrides.isNotConfigKey("ONCEFLOW_CONFIG_DIR"));
  }

  @Test
  void refusedSettingFromTheEnvironmentNamesTheVariable() {
    Map<String, String> env = env();
    env.put("ONCEFLOW_KAFKA_ENABLE_AUTO_COMMIT", "true");
    String message = Minimal.problems(() -> OnceflowConfig.load(null, env));
    assertTrue(
        message.startsWith(
            "Refused 'kafka.enable.auto.commit=true' (from env ONCEFLOW_KAFKA_ENABLE_AUTO_COMMIT)"),
        message);
  }

  @Test
  void fileAndEnvironmentProblemsAreReportedTogether() {
    Map<String, String> env = new HashMap<>();
    env.put("ONCEFLOW_WROKER_THREADS", "2");
    env.put("ONCEFLOW_BATCH_INTERVAL_MS", "x");
    String message = Minimal.problems(() -> OnceflowConfig.load(null, env));
    assertTrue(message.contains("'ONCEFLOW_WROKER_THREADS'"), message);
    assertTrue(message.contains("Did you mean 'ONCEFLOW_WORKER_THREADS'"), message);
    assertTrue(message.contains("Invalid value 'x' for 'batch.interval.ms'"), message);
    assertTrue(message.contains("Missing required key 'job.name'"), message);
  }
}
