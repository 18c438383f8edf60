package io.onceflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretsTest {

  private static final String SECRET = "Tr0ub4dor~3";

  /** A configuration with the secret in every place a secret can be. */
  private static Map<String, String> withSecrets() {
    Map<String, String> m = Minimal.map();
    m.put("postgres.password", SECRET);
    m.put("postgres.sslpassword", SECRET);
    m.put("postgres.url", "jdbc:postgresql://db/app?user=app&password=" + SECRET + "&ssl=true");
    m.put(
        "kafka.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\""
            + " password=\""
            + SECRET
            + "\";");
    m.put("kafka.ssl.key.password", SECRET);
    m.put("kafka.ssl.keystore.password", SECRET);
    m.put("kafka.ssl.truststore.password", SECRET);
    m.put("kafka.sasl.oauthbearer.client.credentials.client.secret", SECRET);
    m.put("job.param.api.token", SECRET);
    return m;
  }

  @Test
  void describeAndToStringNeverShowASecret() {
    OnceflowConfig c = OnceflowConfig.fromMap(withSecrets());

    String described = c.describe();
    assertFalse(described.contains(SECRET), described);
    assertFalse(c.toString().contains(SECRET), c.toString());
    assertTrue(described.contains("postgres.password"), "the key is shown, masked");
    assertTrue(described.contains("password=****"), described);
    assertEquals(SECRET, c.postgresProperties().getProperty("password"), "but it is used");
    assertEquals(SECRET, c.kafkaConsumerProperties().getProperty("ssl.key.password"));
  }

  @Test
  void errorMessagesNeverShowASecret() {
    Map<String, String> m = withSecrets();
    m.put("postgres.url", "jdbc:mysql://root:" + SECRET + "@db/app?password=" + SECRET);
    m.put("postgres.passwrd", SECRET); // misspelt: an unknown key, value never printed
    m.put("kafka.ssl.key.passwords", SECRET);
    m.put("worker.threads", "0");

    String message = Minimal.problems(m);

    assertTrue(message.contains("'postgres.passwrd'"), message);
    assertTrue(
        message.contains("Invalid value 'jdbc:mysql://root:****@db/app?password=****'"), message);
    assertFalse(message.contains(SECRET), message);
  }

  @Test
  void secretFromTheEnvironmentIsNotEchoedWhenTheVariableIsUnknown() {
    Map<String, String> env = new java.util.HashMap<>();
    Minimal.map().forEach((k, v) -> env.put(EnvOverrides.envName(k), v));
    env.put("ONCEFLOW_POSTGRES_PASWORD", SECRET);
    String message = Minimal.problems(() -> OnceflowConfig.load(null, env));
    assertTrue(message.contains("ONCEFLOW_POSTGRES_PASSWORD"), message);
    assertFalse(message.contains(SECRET), message);
  }

  @Test
  void secretInABrokenYamlFileIsNotQuoted(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("job.yaml");
    Files.write(file, List.of("postgres:", "  password: \"" + SECRET, "  url: x"));
    String message = Minimal.problems(() -> OnceflowConfig.load(file, Map.of()));
    assertFalse(message.contains(SECRET), message);
  }

  @ParameterizedTest
  @CsvSource({
    "postgres.password, true",
    "kafka.sasl.jaas.config, true",
    "kafka.ssl.key.password, true",
    "kafka.ssl.keystore.key, true",
    "kafka.sasl.oauthbearer.assertion.private.key.passphrase, true",
    "job.param.github.token, true",
    "job.param.client-secret, true",
    "postgres.user, false",
    "kafka.ssl.keystore.location, false",
    "kafka.security.protocol, false",
    "postgres.sslrootcert, false",
  })
  void decidesWhichKeysAreSecret(String key, boolean secret) {
    assertEquals(secret, Secrets.isSecretKey(key));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "jdbc:postgresql://db/app?password=s3&ssl=true;"
            + " jdbc:postgresql://db/app?password=****&ssl=true",
        "jdbc:postgresql://db/app?user=a&PASSWORD=s3;"
            + " jdbc:postgresql://db/app?user=a&PASSWORD=****",
        "jdbc:postgresql://db/app?sslpassword=s3; jdbc:postgresql://db/app?sslpassword=****",
        "jdbc:postgresql://app:s3@db:5432/app; jdbc:postgresql://app:****@db:5432/app",
        "jdbc:postgresql://db/app; jdbc:postgresql://db/app",
        "https://host/path?x=1; https://host/path?x=1",
      })
  void masksPasswordsInUrls(String url, String masked) {
    assertEquals(masked, Secrets.maskUrl(url));
  }
}
