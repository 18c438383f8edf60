package io.onceflow.config;

import io.onceflow.api.ValueFormat;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The validated configuration of one job: immutable, complete, and safe to log through {@link
 * #describe()}.
 *
 * <p>Every key is declared in {@link ConfigKeys}; {@code docs/configuration.md} is the table of
 * them. A configuration is read from a {@code .properties} or {@code .yaml}/{@code .yml} file,
 * overridden by {@code ONCEFLOW_*} environment variables (see {@link EnvOverrides}), and validated
 * as a whole before anything starts: an unknown key, a value of the wrong type or range, a missing
 * key, or a setting that would break exactly-once stops start-up with a {@link
 * io.onceflow.api.ConfigException} that lists every problem, one per line, naming the key, where it
 * was set and what to do. Nothing is silently corrected.
 *
 * <p>Thread-safe: immutable. Methods returning {@link Properties} return a new copy each time.
 */
public final class OnceflowConfig {

  private static final String ENFORCED_ON_CONSUMERS =
      "enable.auto.commit=false, isolation.level=read_committed, auto.offset.reset=none,"
          + " key/value.deserializer=ByteArrayDeserializer";

  /** The values as set (not defaults), by key, with their origin; used by {@link #with}. */
  private final Map<String, RawValue> raw;

  private final Map<ConfigKey<?>, Object> values;
  private final Map<String, String> jobParams;
  private final Map<String, String> kafka;
  private final Map<String, String> postgres;
  private final StartingPosition startingPosition;

  OnceflowConfig(
      Map<String, RawValue> raw,
      Map<ConfigKey<?>, Object> values,
      Map<String, String> jobParams,
      Map<String, String> kafka,
      Map<String, String> postgres) {
    this.raw = Collections.unmodifiableMap(new LinkedHashMap<>(raw));
    this.values = Map.copyOf(values);
    this.jobParams = Collections.unmodifiableMap(new TreeMap<>(jobParams));
    this.kafka = Collections.unmodifiableMap(new TreeMap<>(kafka));
    this.postgres = Collections.unmodifiableMap(new TreeMap<>(postgres));
    this.startingPosition = startingPositionOf(this);
  }

  // ---- loading ----------------------------------------------------------------------------

  /**
   * Reads {@code file}, applies the {@code ONCEFLOW_*} variables of {@code env} over it, and
   * validates the result.
   *
   * @param file a {@code .properties}, {@code .yaml} or {@code .yml} file; {@code null} to
   *     configure from the environment alone
   * @param env the environment: {@code System.getenv()} in production, a map in tests
   * @throws io.onceflow.api.ConfigException listing every problem found
   */
  public static OnceflowConfig load(Path file, Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    Problems problems = new Problems();
    Map<String, RawValue> fromFile = file == null ? Map.of() : ConfigFiles.read(file, problems);
    return Resolver.resolve(EnvOverrides.overlay(fromFile, env, problems), problems);
  }

  /**
   * Validates a configuration given as key/value text, without the environment: for tests and for
   * embedding the engine.
   *
   * @throws io.onceflow.api.ConfigException listing every problem found
   */
  public static OnceflowConfig fromMap(Map<String, String> values) {
    Map<String, RawValue> raw = new LinkedHashMap<>();
    new TreeMap<>(values)
        .forEach((k, v) -> raw.put(k, new RawValue(v == null ? "" : v, "the given map")));
    return Resolver.resolve(raw, new Problems());
  }

  /** A builder whose {@link Builder#build()} validates exactly as {@link #fromMap} does. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A copy with one key changed (or removed, when {@code value} is null), validated again.
   *
   * @throws io.onceflow.api.ConfigException if the result is not a valid configuration
   */
  public OnceflowConfig with(String key, String value) {
    Map<String, RawValue> changed = new LinkedHashMap<>(raw);
    changed.remove(key);
    if (value != null) {
      changed.put(key, new RawValue(value, "with()"));
    }
    return Resolver.resolve(changed, new Problems());
  }

  // ---- job --------------------------------------------------------------------------------

  public String jobName() {
    return get(ConfigKeys.JOB_NAME);
  }

  public String jobClass() {
    return get(ConfigKeys.JOB_CLASS);
  }

  public Optional<Path> jobJar() {
    return Optional.ofNullable(get(ConfigKeys.JOB_JAR));
  }

  /** The {@code job.param.*} settings, without the prefix, sorted by name. */
  public Map<String, String> jobParams() {
    return jobParams;
  }

  // ---- source -----------------------------------------------------------------------------

  /** The topics of {@code source.topics}; empty when the job reads by {@link #sourcePattern()}. */
  public List<String> sourceTopics() {
    List<String> topics = get(ConfigKeys.SOURCE_TOPICS);
    return topics == null ? List.of() : topics;
  }

  /** The pattern of {@code source.pattern}; empty when the job reads {@link #sourceTopics()}. */
  public Optional<Pattern> sourcePattern() {
    return Optional.ofNullable(get(ConfigKeys.SOURCE_PATTERN));
  }
  /**
   * The sources as the ledger records them for the job ({@code topics:a,b} sorted, or {@code
   * pattern:…}): a job name stands for one set of sources.
   */
  public String sourcesDescription() {
    return sourcePattern()
        .map(p -> "pattern:" + p.pattern())
        .orElseGet(() -> "topics:" + String.join(",", sourceTopics().stream().sorted().toList()));
  }


  /** Where partitions present at the job's first plan start; see {@link StartingPosition}. */
  public StartingPosition startingPosition() {
    return startingPosition;
  }

  public ValueFormat valueFormat() {
    return get(ConfigKeys.VALUE_FORMAT);
  }

  // ---- batches, workers, driver -----------------------------------------------------------

  public long batchIntervalMs() {
    return get(ConfigKeys.BATCH_INTERVAL_MS);
  }

  public long maxRecordsPerPartition() {
    return get(ConfigKeys.BATCH_MAX_RECORDS_PER_PARTITION);
  }

  public int maxBatchesInFlight() {
    return get(ConfigKeys.BATCH_MAX_IN_FLIGHT);
  }

  /** {@code source.max.rate.per.partition} in records per second; 0 when unset (no limit). */
  public long maxRatePerPartition() {
    Long rate = get(ConfigKeys.SOURCE_MAX_RATE_PER_PARTITION);
    return rate == null ? 0 : rate;
  }

  /** Whether {@code batch.backpressure=on}. */
  public boolean backpressure() {
    return get(ConfigKeys.BATCH_BACKPRESSURE) == Backpressure.ON;
  }

  public int workerThreads() {
    return get(ConfigKeys.WORKER_THREADS);
  }

  public long leaseMs() {
    return get(ConfigKeys.WORKER_LEASE_MS);
  }

  public int taskAttempts() {
    return get(ConfigKeys.WORKER_TASK_ATTEMPTS);
  }

  public PoisonPolicy poisonPolicy() {
    return get(ConfigKeys.JOB_POISON_POLICY);
  }

  public int poisonMaxPercent() {
    return get(ConfigKeys.JOB_POISON_MAX_PERCENT);
  }

  public DeletedOffsetsPolicy deletedOffsetsPolicy() {
    return get(ConfigKeys.SOURCE_DELETED_OFFSETS);
  }

  public MissingTopicPolicy missingTopicPolicy() {
    return get(ConfigKeys.SOURCE_MISSING_TOPIC);
  }

  public long taskTimeoutMs() {
    return get(ConfigKeys.WORKER_TASK_TIMEOUT_MS);
  }

  public long shutdownGraceMs() {
    return get(ConfigKeys.WORKER_SHUTDOWN_GRACE_MS);
  }

  public long standbyPollMs() {
    return get(ConfigKeys.DRIVER_STANDBY_POLL_MS);
  }

  /** {@code startup.retry.max.ms}: empty when start-up retries an outage for ever. */
  public java.util.OptionalLong startupRetryMaxMs() {
    Long max = get(ConfigKeys.STARTUP_RETRY_MAX_MS);
    return max == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(max);
  }

  // ---- ledger retention -------------------------------------------------------------------

  /** {@code ledger.retention.ms}; 0 when pruning is off. */
  public long retentionMs() {
    return get(ConfigKeys.LEDGER_RETENTION_MS);
  }

  public long retentionIntervalMs() {
    return get(ConfigKeys.LEDGER_RETENTION_INTERVAL_MS);
  }

  public int retentionChunkRows() {
    return get(ConfigKeys.LEDGER_RETENTION_CHUNK_ROWS);
  }

  // ---- kafka ------------------------------------------------------------------------------

  public String kafkaBootstrapServers() {
    return get(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS);
  }

  /**
   * Properties for the engine's {@code KafkaConsumer}s: the {@code kafka.*} settings a consumer
   * knows, then the ones the engine enforces. {@code enable.auto.commit=false} and {@code
   * isolation.level=read_committed} are what exactly-once needs (other values are refused at load);
   * {@code auto.offset.reset=none} makes a seek to an offset Kafka no longer holds fail instead of
   * jumping elsewhere; raw bytes let a bad value become a dead letter. {@code group.id} is left
   * out: partitions are assigned, offsets are never committed to Kafka.
   */
  public Properties kafkaConsumerProperties() {
    Properties p = new Properties();
    kafka.forEach(
        (name, value) -> {
          if (isKafkaName(name, ConfigKeys.KAFKA_CONSUMER_NAMES) && !name.equals("group.id")) {
            p.setProperty(name, value);
          }
        });
    p.setProperty("bootstrap.servers", kafkaBootstrapServers());
    p.setProperty("enable.auto.commit", "false");
    p.setProperty("isolation.level", "read_committed");
    p.setProperty("auto.offset.reset", "none");
    p.setProperty("key.deserializer", ConfigKeys.byteArrayDeserializer());
    p.setProperty("value.deserializer", ConfigKeys.byteArrayDeserializer());
    return p;
  }

  /**
   * Properties for a Kafka {@code Admin} client (end offsets, partition discovery): bootstrap
   * servers plus the {@code kafka.*} settings an admin client knows (security, SASL, SSL,
   * timeouts); consumer-only settings are left out so the client does not warn about them.
   */
  public Properties kafkaAdminProperties() {
    Properties p = new Properties();
    kafka.forEach(
        (name, value) -> {
          if (isKafkaName(name, ConfigKeys.KAFKA_ADMIN_NAMES)) {
            p.setProperty(name, value);
          }
        });
    p.setProperty("bootstrap.servers", kafkaBootstrapServers());
    return p;
  }

  /**
   * Properties for the outbox relay's transactional {@code KafkaProducer}: the {@code kafka.*}
   * settings a producer knows, then the ones the relay needs ({@code transactional.id}, {@code
   * enable.idempotence}, {@code acks=all}, byte-array serializers).
   */
  public Properties kafkaProducerProperties() {
    Properties p = new Properties();
    kafka.forEach(
        (name, value) -> {
          if (isKafkaName(name, ConfigKeys.KAFKA_PRODUCER_NAMES)) {
            p.setProperty(name, value);
          }
        });
    p.setProperty("bootstrap.servers", kafkaBootstrapServers());
    p.setProperty("transactional.id", outboxTransactionalId());
    p.setProperty("enable.idempotence", "true");
    p.setProperty("acks", "all");
    p.setProperty("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    p.setProperty("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    return p;
  }

  // ---- outbox -----------------------------------------------------------------------------

  public int outboxMaxRecordBytes() {
    return get(ConfigKeys.OUTBOX_MAX_RECORD_BYTES);
  }

  public long outboxRelayIntervalMs() {
    return get(ConfigKeys.OUTBOX_RELAY_INTERVAL_MS);
  }

  public int outboxRelayMaxRecords() {
    return get(ConfigKeys.OUTBOX_RELAY_MAX_RECORDS);
  }

  /** {@code outbox.transactional.id}, or {@code onceflow-outbox-<job.name>} when it is empty. */
  public String outboxTransactionalId() {
    String id = get(ConfigKeys.OUTBOX_TRANSACTIONAL_ID);
    return id == null || id.isBlank() ? "onceflow-outbox-" + jobName() : id.strip();
  }

  public String outboxProgressTopic() {
    return get(ConfigKeys.OUTBOX_PROGRESS_TOPIC);
  }

  private static boolean isKafkaName(String name, java.util.Set<String> names) {
    return names.contains(name)
        || ConfigKeys.KAFKA_OPEN_PREFIXES.stream().anyMatch(name::startsWith);
  }

  // ---- postgres ---------------------------------------------------------------------------

  public String postgresUrl() {
    return get(ConfigKeys.POSTGRES_URL);
  }

  /**
   * Connection properties for pgjdbc: {@code user} and {@code password} when set, and the other
   * {@code postgres.*} settings without the prefix. Contains the password: never log it.
   */
  public Properties postgresProperties() {
    Properties p = new Properties();
    postgres.forEach(p::setProperty);
    Optional.ofNullable(get(ConfigKeys.POSTGRES_USER)).ifPresent(u -> p.setProperty("user", u));
    Optional.ofNullable(get(ConfigKeys.POSTGRES_PASSWORD))
        .ifPresent(pw -> p.setProperty("password", pw));
    return p;
  }

  public int postgresPoolSize() {
    return get(ConfigKeys.POSTGRES_POOL_SIZE);
  }

  // ---- http -------------------------------------------------------------------------------

  /** {@code http.port}: empty when the process serves no HTTP; 0 for any free port. */
  public java.util.OptionalInt httpPort() {
    Integer port = get(ConfigKeys.HTTP_PORT);
    return port == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(port);
  }

  public String httpBindAddress() {
    return get(ConfigKeys.HTTP_BIND_ADDRESS);
  }

  // ---- printing ---------------------------------------------------------------------------

  /**
   * Every key with its effective value and where it came from, one per line, secrets masked: the
   * start-up log line that answers "what is this process actually running with?".
   */
  public String describe() {
    Map<String, String> lines = new LinkedHashMap<>();
    for (ConfigKey<?> key : ConfigKeys.all()) {
      lines.put(key.name(), describeValue(key));
    }
    for (Passthrough family : ConfigKeys.passthroughs()) {
      passthroughOf(family)
          .forEach(
              (name, value) -> {
                String key = family.prefix() + name;
                lines.put(key, Secrets.mask(key, value) + "  (" + raw.get(key).origin() + ")");
              });
    }
    int width = lines.keySet().stream().mapToInt(String::length).max().orElse(0);
    StringBuilder out = new StringBuilder("Onceflow configuration:");
    lines.forEach(
        (key, value) ->
            out.append("\n  ")
                .append(String.format("%-" + width + "s", key))
                .append(" = ")
                .append(value));
    out.append("\n  (enforced on Kafka consumers: ").append(ENFORCED_ON_CONSUMERS).append(')');
    return out.toString();
  }

  private <T> String describeValue(ConfigKey<T> key) {
    T value = get(key);
    RawValue set = raw.get(key.name());
    if (value == null) {
      return "(not set)";
    }
    String text = Secrets.mask(key.name(), key.type().format(value));
    if (set != null) {
      return text + "  (" + set.origin() + ")";
    }
    return key.defaultDescription().equals(key.type().format(value))
        ? text + "  (default)"
        : text + "  (default: " + key.defaultDescription() + ")";
  }

  /** The keys that were set, with their values, secrets masked, on one line. */
  @Override
  public String toString() {
    StringJoiner j = new StringJoiner(", ", "OnceflowConfig{", "}");
    raw.forEach((key, value) -> j.add(key + "=" + Secrets.mask(key, value.text().strip())));
    return j.toString();
  }

  /** Equal when the same keys are set to the same text, wherever they came from. */
  @Override
  public boolean equals(Object o) {
    return o instanceof OnceflowConfig other && texts().equals(other.texts());
  }

  @Override
  public int hashCode() {
    return texts().hashCode();
  }

  private Map<String, String> texts() {
    return raw.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().text()));
  }

  // ---- internals --------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  <T> T get(ConfigKey<T> key) {
    return (T) values.get(key);
  }

  private Map<String, String> passthroughOf(Passthrough family) {
    if (family == ConfigKeys.JOB_PARAMS) {
      return jobParams;
    }
    return family == ConfigKeys.KAFKA ? kafka : postgres;
  }

  private static StartingPosition startingPositionOf(OnceflowConfig c) {
    return switch (c.get(ConfigKeys.SOURCE_STARTING)) {
      case EARLIEST -> StartingPosition.earliest();
      case LATEST -> StartingPosition.latest();
      case TIMESTAMP -> StartingPosition.timestamp(c.get(ConfigKeys.SOURCE_STARTING_TIMESTAMP));
      case OFFSETS -> StartingPosition.offsets(c.get(ConfigKeys.SOURCE_STARTING_OFFSETS));
    };
  }

  /**
   * Collects values for {@link OnceflowConfig}; {@link #build()} validates them all at once. Values
   * may be given as text or as their Java types (numbers, paths, lists, patterns, enums, {@link
   * PartitionOffset}s), which are written back to configuration text first, so a builder and a file
   * are validated by the same code.
   */
  public static final class Builder {
    private final Map<String, RawValue> values = new LinkedHashMap<>();

    private Builder() {}

    /** Sets {@code key}; a null value removes it. */
    public Builder set(String key, Object value) {
      Objects.requireNonNull(key, "key");
      values.remove(key);
      if (value != null) {
        values.put(key, new RawValue(text(value), "the builder"));
      }
      return this;
    }

    /** Sets a declared key from its typed value. */
    public <T> Builder set(ConfigKey<T> key, T value) {
      return set(key.name(), value == null ? null : key.type().format(value));
    }

    /** Sets every entry of {@code entries}. */
    public Builder setAll(Map<String, ?> entries) {
      entries.forEach(this::set);
      return this;
    }

    /**
     * @throws io.onceflow.api.ConfigException listing every problem found
     */
    public OnceflowConfig build() {
      return Resolver.resolve(values, new Problems());
    }

    private static String text(Object value) {
      if (value instanceof Enum<?> e) {
        return ConfigType.lowerName(e);
      }
      if (value instanceof Pattern p) {
        return p.pattern();
      }
      if (value instanceof Path path) {
        return path.toString(); // a Path is Iterable over its own elements
      }
      if (value instanceof Iterable<?> items) {
        StringJoiner j = new StringJoiner(",");
        items.forEach(i -> j.add(text(i)));
        return j.toString();
      }
      return value.toString(); // String, numbers, PartitionOffset
    }
  }
}
