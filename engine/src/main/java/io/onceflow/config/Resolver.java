package io.onceflow.config;

import io.onceflow.config.StartingPosition.Kind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns raw text values into a validated {@link OnceflowConfig}, or fails listing every problem.
 *
 * <p>The checks run in the order a user fixes things: unknown keys (with the nearest valid key),
 * then each declared key's type and range, then required keys, then refused settings, then rules
 * that involve several keys ({@code source.topics} xor {@code source.pattern}, the starting
 * position, the pool size). A key whose value is already reported invalid is left out of the later
 * rules, so one mistake produces one message.
 */
final class Resolver {

  private final Map<String, RawValue> raw;
  private final Problems problems;
  private final Map<ConfigKey<?>, Object> values = new HashMap<>();
  private final Map<Passthrough, Map<String, String>> passthrough = new HashMap<>();

  private Resolver(Map<String, RawValue> raw, Problems problems) {
    this.raw = raw;
    this.problems = problems;
    ConfigKeys.passthroughs().forEach(p -> passthrough.put(p, new TreeMap<>()));
  }

  /**
   * @throws io.onceflow.api.ConfigException listing every problem, including earlier ones
   */
  static OnceflowConfig resolve(Map<String, RawValue> raw, Problems problems) {
    Resolver r = new Resolver(raw, problems);
    r.checkNames();
    r.parseDeclared();
    r.applyDefaults();
    r.checkRefusals();
    r.checkSource();
    r.checkStartingPosition();
    r.checkPoolSize();
    problems.throwIfAny();
    Map<String, RawValue> set = new LinkedHashMap<>();
    raw.forEach(
        (k, v) -> {
          if (v.isSet()) {
            set.put(k, v);
          }
        });
    return new OnceflowConfig(
        set,
        r.values,
        r.passthrough.get(ConfigKeys.JOB_PARAMS),
        r.passthrough.get(ConfigKeys.KAFKA),
        r.passthrough.get(ConfigKeys.POSTGRES));
  }

  // ---- names ------------------------------------------------------------------------------

  private void checkNames() {
    raw.forEach(
        (key, value) -> {
          if (ConfigKeys.byName(key).isPresent()) {
            return;
          }
          Optional<Passthrough> family =
              ConfigKeys.passthroughs().stream().filter(p -> p.covers(key)).findFirst();
          if (family.isPresent() && family.get().accepts(key)) {
            if (value.isSet()) {
              passthrough.get(family.get()).put(family.get().strip(key), text(key, value));
            }
          } else {
            problems.add(unknownKey(key, value.origin(), family));
          }
        });
  }

  private static String unknownKey(String key, String origin, Optional<Passthrough> family) {
    StringBuilder m =
        new StringBuilder("Unknown configuration key '")
            .append(key)
            .append("' in ")
            .append(origin)
            .append('.');
    Suggestions.closest(key, Candidates.ALL)
        .ifPresent(s -> m.append(" Did you mean '").append(s).append("'?"));
    if (family.isPresent() && family.get() == ConfigKeys.KAFKA) {
      m.append(" Keys under kafka.* must be Kafka consumer, admin client or producer settings.");
    } else if (family.isPresent() && family.get() == ConfigKeys.POSTGRES) {
      m.append(" Keys under postgres.* must be pgjdbc connection properties.");
    }
    return m.toString();
  }

  // ---- declared keys ----------------------------------------------------------------------

  private void parseDeclared() {
    List<String> missing = new ArrayList<>();
    for (ConfigKey<?> key : ConfigKeys.all()) {
      RawValue value = raw.get(key.name());
      if (value != null && value.isSet()) {
        parse(key, value);
      } else if (key.isRequired()) {
        missing.add(key.name());
      }
    }
    for (String name : missing) {
      problems.add(
          "Missing required key '"
              + name
              + "': set it in the configuration file or as "
              + EnvOverrides.envName(name)
              + ".");
    }
  }

  private <T> void parse(ConfigKey<T> key, RawValue value) {
    String text = text(key.name(), value);
    T parsed;
    try {
      parsed = key.type().parse(text);
    } catch (IllegalArgumentException e) {
      String detail = e.getMessage() == null ? "" : " (" + e.getMessage() + ")";
      problems.add(invalid(key, value, detail));
      return;
    }
    if (key.validator().isPresent() && !key.validator().get().accepts(parsed)) {
      problems.add(invalid(key, value, ""));
      return;
    }
    values.put(key, parsed);
  }

  private static String invalid(ConfigKey<?> key, RawValue value, String detail) {
    String shown =
        Secrets.isSecretKey(key.name())
            ? "Invalid value (hidden)"
            : "Invalid value '" + Secrets.maskUrl(value.text().strip()) + "'";
    return shown
        + " for '"
        + key.name()
        + "' (from "
        + value.origin()
        + "): expected "
        + key.expected()
        + detail
        + ".";
  }

  /**
   * Constant defaults first, then derived ones, which read other keys. A derived default whose
   * inputs are invalid is skipped: that problem is already reported.
   */
  private void applyDefaults() {
    for (ConfigKey<?> key : ConfigKeys.all()) {
      if (key.hasDefault() && !isSet(key)) {
        try {
          values.put(key, key.defaultValue(this::lookup));
        } catch (MissingInput e) {
          // reported where the input was parsed
        }
      }
    }
  }

  private <V> V lookup(ConfigKey<V> key) {
    @SuppressWarnings("unchecked")
    V v = (V) values.get(key);
    if (v == null) {
      if (key.hasDefault() && !isSet(key)) {
        v = key.defaultValue(this::lookup);
        values.put(key, v);
      } else {
        throw new MissingInput();
      }
    }
    return v;
  }

  /** A derived default cannot be computed because one of its inputs is invalid. */
  private static final class MissingInput extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MissingInput() {
      super(null, null, false, false);
    }
  }

  // ---- refused settings -------------------------------------------------------------------

  private void checkRefusals() {
    for (Refusal refusal : ConfigKeys.refusals()) {
      RawValue value = raw.get(refusal.key());
      if (value != null && value.isSet() && refusal.refuses(value.text().strip())) {
        problems.add(
            "Refused '"
                + refusal.key()
                + "="
                + Secrets.mask(refusal.key(), value.text().strip())
                + "' (from "
                + value.origin()
                + "): "
                + refusal.reason()
                + ".");
      }
    }
    checkUrlParameters();
  }

  /**
   * pgjdbc reads connection properties from the URL's query as well, so a refused {@code
   * postgres.*} setting is refused there too: {@code ?autosave=always} is as harmful as {@code
   * postgres.autosave=always}.
   */
  private void checkUrlParameters() {
    String url = (String) values.get(ConfigKeys.POSTGRES_URL);
    if (url == null) {
      return;
    }
    Map<String, String> params = JdbcUrls.queryParameters(url);
    for (Refusal refusal : ConfigKeys.refusals()) {
      if (!ConfigKeys.POSTGRES.covers(refusal.key())) {
        continue;
      }
      String name = ConfigKeys.POSTGRES.strip(refusal.key());
      String value = params.get(name.toLowerCase(Locale.ROOT));
      if (value != null && refusal.refuses(value)) {
        problems.add(
            "Refused '"
                + name
                + "="
                + value
                + "' in 'postgres.url' (from "
                + raw.get(ConfigKeys.POSTGRES_URL.name()).origin()
                + "): "
                + refusal.reason()
                + ".");
      }
    }
  }

  // ---- rules across keys ------------------------------------------------------------------

  private void checkSource() {
    boolean topics = isSet(ConfigKeys.SOURCE_TOPICS);
    boolean pattern = isSet(ConfigKeys.SOURCE_PATTERN);
    String rule =
        "Set exactly one of 'source.topics' (a comma-separated list of topics) or"
            + " 'source.pattern' (a regular expression matching topic names): ";
    if (!topics && !pattern) {
      problems.add(rule + "neither is set.");
    } else if (topics && pattern) {
      problems.add(
          rule
              + "both are set (source.topics from "
              + origin(ConfigKeys.SOURCE_TOPICS)
              + ", source.pattern from "
              + origin(ConfigKeys.SOURCE_PATTERN)
              + ").");
    }
  }

  private void checkStartingPosition() {
    Kind kind = (Kind) values.get(ConfigKeys.SOURCE_STARTING);
    if (kind == null) {
      return; // invalid, reported
    }
    requiredIff(ConfigKeys.SOURCE_STARTING_TIMESTAMP, kind == Kind.TIMESTAMP, kind);
    requiredIff(ConfigKeys.SOURCE_STARTING_OFFSETS, kind == Kind.OFFSETS, kind);
    @SuppressWarnings("unchecked")
    List<PartitionOffset> offsets =
        (List<PartitionOffset>) values.get(ConfigKeys.SOURCE_STARTING_OFFSETS);
    if (kind == Kind.OFFSETS && offsets != null) {
      checkOffsetTopicsAreRead(offsets);
    }
  }

  private void requiredIff(ConfigKey<?> key, boolean needed, Kind kind) {
    String starting = ConfigType.lowerName(kind);
    if (needed && !isSet(key)) {
      problems.add(
          "Missing key '"
              + key.name()
              + "': it is required when source.starting="
              + starting
              + " (expected "
              + key.expected()
              + ").");
    } else if (!needed && isSet(key)) {
      problems.add(
          "Key '"
              + key.name()
              + "' (from "
              + origin(key)
              + ") is set but source.starting="
              + starting
              + " does not use it: set source.starting="
              + key.name().substring("source.starting.".length())
              + " or remove it.");
    }
  }

  private void checkOffsetTopicsAreRead(List<PartitionOffset> offsets) {
    @SuppressWarnings("unchecked")
    List<String> topics = (List<String>) values.get(ConfigKeys.SOURCE_TOPICS);
    Pattern pattern = (Pattern) values.get(ConfigKeys.SOURCE_PATTERN);
    Set<String> strangers = new TreeSet<>();
    for (PartitionOffset o : offsets) {
      boolean known =
          (topics != null && topics.contains(o.topic()))
              || (pattern != null && pattern.matcher(o.topic()).matches());
      if (!known && (topics != null || pattern != null)) {
        strangers.add(o.topic());
      }
    }
    if (!strangers.isEmpty()) {
      String source =
          topics != null
              ? "source.topics=" + String.join(",", topics)
              : "source.pattern=" + pattern.pattern();
      problems.add(
          "Key 'source.starting.offsets' names "
              + (strangers.size() == 1 ? "topic " : "topics ")
              + String.join(", ", strangers)
              + ", which the job does not read ("
              + source
              + ").");
    }
  }

  private void checkPoolSize() {
    Integer pool = (Integer) values.get(ConfigKeys.POSTGRES_POOL_SIZE);
    Integer threads = (Integer) values.get(ConfigKeys.WORKER_THREADS);
    if (pool != null && threads != null && pool < threads) {
      problems.add(
          "Key 'postgres.pool.size' ("
              + pool
              + ", from "
              + origin(ConfigKeys.POSTGRES_POOL_SIZE)
              + ") must be at least worker.threads ("
              + threads
              + "): each worker thread holds one connection for its task's transaction.");
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  private boolean isSet(ConfigKey<?> key) {
    RawValue value = raw.get(key.name());
    return value != null && value.isSet();
  }

  private String origin(ConfigKey<?> key) {
    RawValue value = raw.get(key.name());
    return value == null ? "default" : value.origin();
  }

  /** Values are trimmed, except secrets: a password may end in a space. */
  private static String text(String key, RawValue value) {
    return Secrets.isSecretKey(key) ? value.text() : value.text().strip();
  }

  /** Every valid full key, for "did you mean"; declared keys first, so they win a tie. */
  private static final class Candidates {
    static final Set<String> ALL = build();

    private static Set<String> build() {
      Set<String> all = new LinkedHashSet<>();
      ConfigKeys.all().forEach(k -> all.add(k.name()));
      ConfigKeys.passthroughs().forEach(p -> all.addAll(p.knownKeys()));
      return Collections.unmodifiableSet(all);
    }
  }
}
