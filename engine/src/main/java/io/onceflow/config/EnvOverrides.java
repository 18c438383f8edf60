package io.onceflow.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Environment variables that override the configuration file: {@code ONCEFLOW_<KEY>}, the key
 * upper-cased with '.' turned into '_' ({@code ONCEFLOW_BATCH_INTERVAL_MS} sets {@code
 * batch.interval.ms}). The environment wins over the file, which lets one file serve several
 * deployments that differ only in, say, {@code ONCEFLOW_POSTGRES_PASSWORD}.
 *
 * <p>Going back from a variable to a key is done by lookup, not by guessing: the variable must
 * match a declared key, or a {@code kafka.*} / {@code postgres.*} setting Kafka or pgjdbc knows
 * (compared ignoring case, so {@code ONCEFLOW_POSTGRES_APPLICATIONNAME} sets {@code
 * postgres.ApplicationName}). Job parameters are the exception, having no fixed names: {@code
 * ONCEFLOW_JOB_PARAM_TARGET_TABLE} sets {@code job.param.target.table} (lower case, '_' → '.').
 *
 * <p>Any other {@code ONCEFLOW_} variable is an error with a suggestion, because a misspelt
 * override is otherwise silently ignored, except those in {@link #NOT_CONFIG_KEYS}.
 */
public final class EnvOverrides {

  /** The prefix of every override. */
  public static final String PREFIX = "ONCEFLOW_";

  /**
   * {@code ONCEFLOW_} variables that are not configuration keys and are left alone: the
   * application's own settings and the test harness's switches. A trailing {@code *} matches any
   * rest of the name.
   *
   * <ul>
   *   <li>{@code ONCEFLOW_CONFIG}: path of the configuration file the application loads;
   *   <li>{@code ONCEFLOW_HOME}: the installation directory;
   *   <li>{@code ONCEFLOW_BROKER_CLASSPATH}: class path of the embedded Kafka broker;
   *   <li>{@code ONCEFLOW_JAVA_OPTS}: JVM options read by the {@code onceflow} launcher script;
   *   <li>{@code ONCEFLOW_TEST_*}: switches of the test suites;
   *   <li>{@code ONCEFLOW_CRASH_*}: crash injection points of the failure tests.
   * </ul>
   */
  public static final List<String> NOT_CONFIG_KEYS =
      List.of(
          "ONCEFLOW_CONFIG",
          "ONCEFLOW_HOME",
          "ONCEFLOW_BROKER_CLASSPATH",
          "ONCEFLOW_JAVA_OPTS",
          "ONCEFLOW_TEST_*",
          "ONCEFLOW_CRASH_*");

  private static final String JOB_PARAM_ENV = envName(ConfigKeys.JOB_PARAMS.prefix());

  private EnvOverrides() {}

  /** The variable that overrides {@code key}: {@code ONCEFLOW_} + upper case, '.' → '_'. */
  public static String envName(String key) {
    return PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  /** True for a variable of {@link #NOT_CONFIG_KEYS}. */
  public static boolean isNotConfigKey(String variable) {
    for (String allowed : NOT_CONFIG_KEYS) {
      boolean matches =
          allowed.endsWith("*")
              ? variable.startsWith(allowed.substring(0, allowed.length() - 1))
              : variable.equals(allowed);
      if (matches) {
        return true;
      }
    }
    return false;
  }

  /**
   * The configuration key {@code variable} overrides, if any. Declared keys win over passthrough
   * names that would map to the same variable.
   */
  public static Optional<String> keyFor(String variable) {
    if (!variable.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String upper = variable.toUpperCase(Locale.ROOT);
    String key = Index.KEYS.get(upper);
    if (key != null) {
      return Optional.of(key);
    }
    if (upper.startsWith(JOB_PARAM_ENV) && upper.length() > JOB_PARAM_ENV.length()) {
      String name = upper.substring(JOB_PARAM_ENV.length()).toLowerCase(Locale.ROOT);
      return Optional.of(ConfigKeys.JOB_PARAMS.prefix() + name.replace('_', '.'));
    }
    return Optional.empty();
  }

  /**
   * Overlays the {@code ONCEFLOW_} variables of {@code env} on {@code file}. Unknown variables are
   * reported to {@code problems}; the values are never printed.
   */
  static Map<String, RawValue> overlay(
      Map<String, RawValue> file, Map<String, String> env, Problems problems) {
    Map<String, RawValue> values = new LinkedHashMap<>(file);
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String variable = e.getKey();
      if (!variable.startsWith(PREFIX) || isNotConfigKey(variable)) {
        continue;
      }
      Optional<String> key = keyFor(variable);
      if (key.isEmpty()) {
        problems.add(unknown(variable));
        continue;
      }
      String text = e.getValue() == null ? "" : e.getValue();
      values.remove(key.get()); // keep file order for the rest, env keys last
      values.put(key.get(), new RawValue(text, "env " + variable));
    }
    return values;
  }

  private static String unknown(String variable) {
    StringBuilder m =
        new StringBuilder("Unknown environment variable '")
            .append(variable)
            .append("': it matches no configuration key.");
    Optional<String> near = Suggestions.closest(variable, Index.KEYS.keySet());
    if (near.isPresent()) {
      m.append(" Did you mean '")
          .append(near.get())
          .append("' (")
          .append(Index.KEYS.get(near.get()))
          .append(")?");
    } else {
      m.append(" Variables that are not keys must be one of ")
          .append(String.join(", ", NOT_CONFIG_KEYS))
          .append('.');
    }
    return m.toString();
  }

  /** Built on first use: the Kafka and pgjdbc name sets are a few hundred entries. */
  private static final class Index {
    static final Map<String, String> KEYS = build();

    private static Map<String, String> build() {
      Map<String, String> keys = new TreeMap<>();
      for (Passthrough p : ConfigKeys.passthroughs()) {
        for (String key : p.knownKeys()) {
          keys.put(envName(key), key);
        }
      }
      for (ConfigKey<?> key : ConfigKeys.all()) {
        keys.put(key.envName(), key.name()); // declared keys win
      }
      return Collections.unmodifiableMap(keys);
    }
  }
}
