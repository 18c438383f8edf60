package io.onceflow.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.onceflow.api.ConfigException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.function.Executable;

/** The smallest valid configuration, and helpers the config tests share. */
final class Minimal {

  private Minimal() {}

  /** A mutable map holding every required key and a topic list. */
  static Map<String, String> map() {
    Map<String, String> m = new HashMap<>();
    m.put("job.name", "orders");
    m.put("job.class", "com.example.TotalsJob");
    m.put("source.topics", "orders");
    m.put("kafka.bootstrap.servers", "localhost:9092");
    m.put("postgres.url", "jdbc:postgresql://localhost:5432/app");
    return m;
  }

  /** {@link #map()} with {@code key} set to {@code value} (removed when null). */
  static Map<String, String> with(String key, String value) {
    Map<String, String> m = map();
    if (value == null) {
      m.remove(key);
    } else {
      m.put(key, value);
    }
    return m;
  }

  /** The message of the ConfigException {@code load} throws. */
  static String problems(Executable load) {
    return assertThrows(ConfigException.class, load).getMessage();
  }

  /** The message {@code fromMap(values)} fails with. */
  static String problems(Map<String, String> values) {
    return problems(() -> OnceflowConfig.fromMap(values));
  }
}
