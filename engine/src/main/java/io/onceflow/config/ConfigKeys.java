package io.onceflow.config;

import static io.onceflow.config.ConfigKey.key;

import io.onceflow.api.ValueFormat;
import io.onceflow.config.StartingPosition.Kind;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.postgresql.PGProperty;

/**
 * Every configuration key of a job, declared once. The loader, the validator, the environment
 * overrides, {@link OnceflowConfig#describe()} and {@code docs/configuration.md} are all derived
 * from this class: to add a key, declare it here, add its accessor to {@link OnceflowConfig}, and
 * regenerate the docs (see {@link ConfigDocs}).
 */
public final class ConfigKeys {

  private ConfigKeys() {}

  private static final String BYTE_ARRAY_DESERIALIZER =
      "org.apache.kafka.common.serialization.ByteArrayDeserializer";

  // ---- job --------------------------------------------------------------------------------

  public static final ConfigKey<String> JOB_NAME =
      key("job.name", ConfigType.STRING)
          .required()
          .validator(Validator.matching("[A-Za-z0-9._-]{1,100}"))
          .doc(
              "The job's name. It namespaces the job's rows in the ledger (offsets, batches,"
                  + " tasks, dead letters): renaming a job starts a new one from"
                  + " `source.starting`.")
          .build();

  public static final ConfigKey<String> JOB_CLASS =
      key("job.class", ConfigType.STRING)
          .required()
          .validator(
              Validator.matching(
                  "(\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*\\.)*"
                      + "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*",
                  "naming a class, e.g. com.example.TotalsJob"))
          .doc(
              "Fully-qualified name of the class implementing `io.onceflow.api.Job`, with a"
                  + " public no-arg constructor.")
          .build();

  public static final ConfigKey<Path> JOB_JAR =
      key("job.jar", ConfigType.PATH)
          .doc(
              "Jar to load `job.class` from. Unset: the class must be on the engine's class"
                  + " path.")
          .build();

  // ---- source -----------------------------------------------------------------------------

  public static final ConfigKey<List<String>> SOURCE_TOPICS =
      key("source.topics", ConfigType.LIST)
          .validator(
              new Validator<List<String>>(
                  "of Kafka topic names ([a-zA-Z0-9._-], at most 249 characters)",
                  topics -> topics.stream().allMatch(ConfigKeys::isTopicName)))
          .doc("Topics to read. Set exactly one of `source.topics` and `source.pattern`.")
          .build();

  public static final ConfigKey<Pattern> SOURCE_PATTERN =
      key("source.pattern", ConfigType.REGEX)
          .doc(
              "Regular expression: every topic whose whole name matches is read. Set exactly"
                  + " one of `source.topics` and `source.pattern`.")
          .build();

  public static final ConfigKey<Kind> SOURCE_STARTING =
      key("source.starting", ConfigType.enumOf(Kind.class))
          .defaultValue(Kind.EARLIEST)
          .doc(
              "Where a partition the ledger has never seen starts, for the partitions present at"
                  + " the job's first plan: `earliest`, `latest` (its end at the first plan),"
                  + " `timestamp` or `offsets`. Partitions that appear later start at earliest."
                  + " Once the job has rows in the ledger, the ledger decides.")
          .build();

  public static final ConfigKey<Long> SOURCE_STARTING_TIMESTAMP =
      key("source.starting.timestamp", ConfigType.LONG)
          .validator(Validator.atLeast(0))
          .doc(
              "Epoch milliseconds: each partition starts at its first record stamped at or after"
                  + " it. Required when, and only when, `source.starting=timestamp`.")
          .build();

  public static final ConfigKey<List<PartitionOffset>> SOURCE_STARTING_OFFSETS =
      key("source.starting.offsets", ConfigType.PARTITION_OFFSETS)
          .doc(
              "`topic:partition=offset,…`: the first offset to read of each listed partition;"
                  + " partitions not listed start at earliest. Listed topics must be source"
                  + " topics. Required when, and only when, `source.starting=offsets`.")
          .build();

  public static final ConfigKey<ValueFormat> VALUE_FORMAT =
      key("value.format", ConfigType.enumOf(ValueFormat.class))
          .defaultValue(ValueFormat.STRING)
          .doc(
              "How record values reach the job: `string` (UTF-8 `String`), `bytes` (`byte[]`),"
                  + " `json` (Jackson `JsonNode`; a value that is not JSON becomes a dead"
                  + " letter).")
          .build();

  public static final ConfigKey<MissingTopicPolicy> SOURCE_MISSING_TOPIC =
      key("source.missing.topic", ConfigType.enumOf(MissingTopicPolicy.class))
          .defaultValue(MissingTopicPolicy.WAIT)
          .doc(
              "A topic of `source.topics` that does not exist: `wait` (the driver logs it and"
                  + " plans it as soon as it is created) or `fail` (the driver stops with an error"
                  + " naming the topic, exit code 1).")
          .build();

  public static final ConfigKey<DeletedOffsetsPolicy> SOURCE_DELETED_OFFSETS =
      key("source.deleted.offsets", ConfigType.enumOf(DeletedOffsetsPolicy.class))
          .defaultValue(DeletedOffsetsPolicy.FAIL)
          .doc(
              "Offsets of a planned range that Kafka deleted (retention) before they were"
                  + " processed: `fail` (the worker stops with an error naming the partition and"
                  + " the missing range, exit code 1) or `skip` (the missing range is recorded in"
                  + " `onceflow.gaps` in the task's transaction and the rest of the range is"
                  + " processed).")
          .build();

  public static final ConfigKey<PoisonPolicy> JOB_POISON_POLICY =
      key("job.poison.policy", ConfigType.enumOf(PoisonPolicy.class))
          .defaultValue(PoisonPolicy.DEAD_LETTER)
          .doc(
              "A record that cannot be deserialized, or that the job fails on after"
                  + " `worker.task.attempts`: `dead-letter` (isolated under savepoints, stored in"
                  + " `onceflow.dead_letters`, the rest of the range commits) or `fail` (nothing of the task commits; the worker stops with an"
                  + " error naming `topic-partition@offset` and the exception, exit code 1).")
          .build();

  public static final ConfigKey<Integer> JOB_POISON_MAX_PERCENT =
      key("job.poison.max.percent", ConfigType.INT)
          .defaultValue(10)
          .validator(Validator.between(0, 100))
          .doc(
              "When isolating a failing range, the share of records that may fail one by one"
                  + " before it is called a mass failure: once at least 10 records have failed"
                  + " alone and they are more than this percentage of the records examined so"
                  + " far, nothing of the task commits and the worker stops with an error naming"
                  + " the cause (a dropped table, a bad deploy) instead of dead-lettering the"
                  + " stream. `100` never stops.")
          .build();

  // ---- batches ----------------------------------------------------------------------------

  public static final ConfigKey<Long> BATCH_INTERVAL_MS =
      key("batch.interval.ms", ConfigType.LONG)
          .defaultValue(1000L)
          .validator(Validator.positive())
          .doc("Time between two batch plans.")
          .build();

  public static final ConfigKey<Long> BATCH_MAX_RECORDS_PER_PARTITION =
      key("batch.max.records.per.partition", ConfigType.LONG)
          .defaultValue(100_000L)
          .validator(Validator.positive())
          .doc(
              "Cap on the offsets of one partition in one batch: a range is"
                  + " `[from, min(end, from + cap))`. It bounds one task's transaction.")
          .build();

  public static final ConfigKey<Integer> BATCH_MAX_IN_FLIGHT =
      key("batch.max.in.flight", ConfigType.INT)
          .defaultValue(2)
          .validator(Validator.atLeast(1))
          .doc(
              "Tasks planned but not yet committed that the driver allows per partition: it plans"
                  + " each partition up to this many batches ahead. Counted per partition, so a"
                  + " slow or stuck partition holds up only itself, never the plans of the others.")
          .build();

  public static final ConfigKey<Long> SOURCE_MAX_RATE_PER_PARTITION =
      key("source.max.rate.per.partition", ConfigType.LONG)
          .validator(Validator.positive())
          .doc(
              "Records per second each partition is read at, at most: a batch's range holds at"
                  + " most `batch.interval.ms` × this many offsets (at least 1), and a range capped"
                  + " by it waits for the next interval. Unset: only"
                  + " `batch.max.records.per.partition` bounds a batch.")
          .build();

  public static final ConfigKey<Backpressure> BATCH_BACKPRESSURE =
      key("batch.backpressure", ConfigType.enumOf(Backpressure.class))
          .defaultValue(Backpressure.OFF)
          .doc(
              "`on`: when batches take longer than `batch.interval.ms` to process, or wait longer"
                  + " than it to start, the driver lowers the per-partition cap to what the workers"
                  + " were seen to process in one interval (a PI controller on completed batches),"
                  + " and raises it again as they keep up; never above"
                  + " `batch.max.records.per.partition` or the rate limit. Keeps each batch's"
                  + " latency near the interval under load, at some cost in catch-up throughput."
                  + " `off`: the caps alone decide.")
          .build();

  // ---- workers and driver -----------------------------------------------------------------

  public static final ConfigKey<Integer> WORKER_THREADS =
      key("worker.threads", ConfigType.INT)
          .defaultValue(2)
          .validator(Validator.atLeast(1))
          .doc("Task threads per worker process; each runs one task, one transaction, at a time.")
          .build();

  public static final ConfigKey<Long> WORKER_LEASE_MS =
      key("worker.lease.ms", ConfigType.LONG)
          .defaultValue(30_000L)
          .validator(Validator.atLeast(1000))
          .doc(
              "Lease of a claimed task, renewed while it runs; a crashed worker's task is claimed"
                  + " again when it expires. Also the worker connection's"
                  + " `idle_in_transaction_session_timeout`, so a frozen worker cannot hold a"
                  + " partition's fence row past its lease.")
          .build();

  public static final ConfigKey<Integer> WORKER_TASK_ATTEMPTS =
      key("worker.task.attempts", ConfigType.INT)
          .defaultValue(3)
          .validator(Validator.atLeast(1))
          .doc(
              "Job failures of a task before its failing records are isolated and become dead"
                  + " letters. Only attempts the job failed on count: a claim after an outage"
                  + " (the job's `RetriableException`, a database or broker away), a lost lease"
                  + " or a stopping worker does not.")
          .build();

  public static final ConfigKey<Long> WORKER_TASK_TIMEOUT_MS =
      key("worker.task.timeout.ms", ConfigType.LONG)
          .defaultValue(300_000L)
          .validator(Validator.atLeast(1_000))
          .doc(
              "The longest one attempt at a task may take, reading included. Past it the attempt"
                  + " is aborted (its transaction's connection aborted, its thread interrupted:"
                  + " nothing of it commits), its lease released and the failure counted as the"
                  + " job's (`worker.task.attempts`); leases are renewed only for attempts within"
                  + " it. Five minutes by default: far above what a task within the default caps"
                  + " takes on a slow sink, short enough that a call that never returns (an HTTP"
                  + " call without a timeout, a deadlock in the job) stalls its partition for"
                  + " minutes, not for as long as the process lives. A thread that ignores both"
                  + " the interrupt and the aborted connection is reported and left; its task is"
                  + " claimed elsewhere once its lease runs out.")
          .build();

  public static final ConfigKey<Long> WORKER_SHUTDOWN_GRACE_MS =
      key("worker.shutdown.grace.ms", ConfigType.LONG)
          .defaultValue(10_000L)
          .validator(Validator.atLeast(0))
          .doc(
              "On SIGTERM, how long a worker lets its running tasks finish before it abandons"
                  + " them: their transactions are aborted (nothing commits) and their leases"
                  + " released, so another worker claims them at once.")
          .build();

  public static final ConfigKey<Long> DRIVER_STANDBY_POLL_MS =
      key("driver.standby.poll.ms", ConfigType.LONG)
          .defaultValue(1000L)
          .validator(Validator.positive())
          .doc("How often a standby driver tries to take the leadership lock.")
          .build();

  public static final ConfigKey<Long> STARTUP_RETRY_MAX_MS =
      key("startup.retry.max.ms", ConfigType.LONG)
          .validator(Validator.atLeast(0))
          .doc(
              "How long a starting process retries a Kafka or PostgreSQL that is unreachable or"
                  + " restarting (connection refused or reset, `57P01` administrator shutdown,"
                  + " `57P03` cannot connect now, a Kafka timeout) before it exits with code 1;"
                  + " each attempt logs a WARN saying what is retried and why. Unset: for ever,"
                  + " as a running process waits out an outage of any length, so that a process"
                  + " (re)started during an outage does not fail where its running peers ride it"
                  + " out; stop it with SIGTERM. `0`: give up at the first error. A bad"
                  + " configuration, a wrong password, a missing right or an unknown database fail"
                  + " at once either way.")
          .build();

  // ---- outbox: exactly-once output to Kafka (docs/outbox.md) -----------------------------

  public static final ConfigKey<Integer> OUTBOX_MAX_RECORD_BYTES =
      key("outbox.max.record.bytes", ConfigType.INT)
          .defaultValue(1024 * 1024)
          .validator(Validator.atLeast(1))
          .doc(
              "The largest record a job may emit (key, value, headers and topic name together):"
                  + " a larger one fails the job's call, so the record that caused it can be"
                  + " isolated and dead-lettered instead of reaching the outbox and stopping the"
                  + " relay at a broker that refuses it. The default is the producer's"
                  + " `max.request.size` and, roughly, a broker's default `message.max.bytes`;"
                  + " raise all three together.")
          .build();

  public static final ConfigKey<Long> OUTBOX_RELAY_INTERVAL_MS =
      key("outbox.relay.interval.ms", ConfigType.LONG)
          .defaultValue(50L)
          .validator(Validator.atLeast(1))
          .doc(
              "How long the relay (on the leading driver) waits when it finds nothing new in the"
                  + " outbox before it looks again: the added latency of emitted records when the"
                  + " job is quiet. A look is one indexed query per source partition with emitted"
                  + " records; a job that never emits costs one query per interval.")
          .build();

  public static final ConfigKey<Integer> OUTBOX_RELAY_MAX_RECORDS =
      key("outbox.relay.max.records", ConfigType.INT)
          .defaultValue(10_000)
          .validator(Validator.atLeast(1))
          .doc(
              "Records per Kafka transaction of the relay at most. Larger transactions relay a"
                  + " backlog faster; each also holds back read_committed consumers of the output"
                  + " topic until it commits, and is deleted from the outbox in one statement.")
          .build();

  public static final ConfigKey<String> OUTBOX_TRANSACTIONAL_ID =
      key("outbox.transactional.id", ConfigType.STRING)
          .defaultValue("")
          .doc(
              "The relay's Kafka `transactional.id`; empty: `onceflow-outbox-<job.name>`. A relay"
                  + " that starts with it fences every older producer of the same id, so a relay"
                  + " left behind by a driver that lost its leadership can publish nothing more."
                  + " Two jobs must never share one.")
          .build();

  public static final ConfigKey<String> OUTBOX_PROGRESS_TOPIC =
      key("outbox.progress.topic", ConfigType.STRING)
          .defaultValue("onceflow.outbox.progress")
          .validator(Validator.matching("[a-zA-Z0-9._-]{1,249}", "a Kafka topic name"))
          .doc(
              "The compacted topic where the relay records, in each of its Kafka transactions,"
                  + " how far it has published each source partition's emitted records; read back"
                  + " (read_committed) when a relay starts. Created by the relay when missing (1"
                  + " partition, compacted, replication factor of up to 3); jobs may share it.")
          .build();

  // ---- ledger retention -------------------------------------------------------------------

  public static final ConfigKey<Long> LEDGER_RETENTION_MS =
      key("ledger.retention.ms", ConfigType.LONG)
          .defaultValue(7L * 24 * 60 * 60 * 1000)
          .validator(Validator.atLeast(0))
          .doc(
              "How long committed history (batches and their tasks, stopped or long-dead worker"
                  + " rows) stays in the ledger: the leading driver deletes batches whose every"
                  + " task committed longer ago than this, oldest first, a few thousand rows per"
                  + " transaction (`onceflow ledger prune` does the same by hand). Never deleted:"
                  + " each partition's committed offset, planned or uncommitted tasks, the newest"
                  + " batch, dead letters and gaps. The default, 7 days, is Kafka's default log"
                  + " retention: older history describes records the topic no longer holds. At 8"
                  + " partitions and 1 s batches that keeps about 4.8 million task rows; lower it"
                  + " for many partitions or short intervals. `0`: keep everything (no"
                  + " pruning).")
          .build();

  public static final ConfigKey<Long> LEDGER_RETENTION_INTERVAL_MS =
      key("ledger.retention.interval.ms", ConfigType.LONG)
          .defaultValue(60_000L)
          .validator(Validator.positive())
          .doc(
              "How often the leading driver prunes the ledger (on a thread and a connection of"
                  + " its own, never on the planning path).")
          .build();

  public static final ConfigKey<Integer> LEDGER_RETENTION_CHUNK_ROWS =
      key("ledger.retention.chunk.rows", ConfigType.INT)
          .defaultValue(2000)
          .validator(Validator.between(1, 100_000))
          .doc(
              "Task rows deleted per pruning transaction, at most (whole batches: a batch with"
                  + " more tasks is deleted alone). Small transactions keep vacuum and replication"
                  + " smooth; the pruner never locks a row the task path uses.")
          .build();

  // ---- kafka ------------------------------------------------------------------------------

  public static final ConfigKey<String> KAFKA_BOOTSTRAP_SERVERS =
      key("kafka.bootstrap.servers", ConfigType.STRING)
          .required()
          .validator(
              Validator.matching(
                  "[^,\\s]+:\\d+(\\s*,\\s*[^,\\s]+:\\d+)*", "of the form host:port[,host:port…]"))
          .doc("Kafka brokers to bootstrap from.")
          .build();

  // ---- postgres ---------------------------------------------------------------------------

  public static final ConfigKey<String> POSTGRES_URL =
      key("postgres.url", ConfigType.STRING)
          .required()
          .validator(Validator.startingWith("jdbc:postgresql:"))
          .doc(
              "JDBC URL of the database that holds both the job's output and the ledger (schema"
                  + " `onceflow`).")
          .build();

  public static final ConfigKey<String> POSTGRES_USER =
      key("postgres.user", ConfigType.STRING).doc("Database user.").build();

  public static final ConfigKey<String> POSTGRES_PASSWORD =
      key("postgres.password", ConfigType.STRING)
          .secret()
          .doc("Database password. Never printed.")
          .build();

  public static final ConfigKey<Integer> POSTGRES_POOL_SIZE =
      key("postgres.pool.size", ConfigType.INT)
          .defaultFrom("worker.threads + 3", values -> values.get(WORKER_THREADS) + 3)
          .validator(Validator.atLeast(1))
          .doc(
              "Database connections per process in its main pool. Each worker thread holds one"
                  + " for its task's transaction, the rest claim tasks, plan and serve HTTP: at"
                  + " least `worker.threads`. Besides it a worker's lease keeper has one connection"
                  + " of its own, and a driver one for its leadership lock, so that a busy pool"
                  + " never delays a lease renewal.")
          .build();

  // ---- http -------------------------------------------------------------------------------

  public static final ConfigKey<Integer> HTTP_PORT =
      key("http.port", ConfigType.INT)
          .validator(
              new Validator<Number>(
                  "between 0 and 65535", n -> n.intValue() >= 0 && n.intValue() <= 65535))
          .doc(
              "Port of the process's read-only HTTP endpoints: `/metrics` (Prometheus) and"
                  + " `/health` on every role; on `run` and `driver` also the status page `/` and"
                  + " `/api/status`, `/api/batches` (docs/operations.md). `0` picks a free port,"
                  + " logged at start. Unset: no HTTP server.")
          .build();

  public static final ConfigKey<String> HTTP_BIND_ADDRESS =
      key("http.bind.address", ConfigType.STRING)
          .defaultValue("127.0.0.1")
          .validator(Validator.matching("[A-Za-z0-9.:\\[\\]_-]{1,255}", "a host name or IP address"))
          .doc(
              "Address the HTTP endpoints listen on. The default serves this machine only; set"
                  + " `0.0.0.0` to let a Prometheus or a browser elsewhere reach them (in a"
                  + " container, say). They never show secrets, but they do show topic names,"
                  + " offsets and hosts.")
          .build();

  private static final List<ConfigKey<?>> ALL =
      List.of(
          JOB_NAME,
          JOB_CLASS,
          JOB_JAR,
          SOURCE_TOPICS,
          SOURCE_PATTERN,
          SOURCE_STARTING,
          SOURCE_STARTING_TIMESTAMP,
          SOURCE_STARTING_OFFSETS,
          VALUE_FORMAT,
          SOURCE_MISSING_TOPIC,
          SOURCE_DELETED_OFFSETS,
          JOB_POISON_POLICY,
          JOB_POISON_MAX_PERCENT,
          BATCH_INTERVAL_MS,
          BATCH_MAX_RECORDS_PER_PARTITION,
          BATCH_MAX_IN_FLIGHT,
          SOURCE_MAX_RATE_PER_PARTITION,
          BATCH_BACKPRESSURE,
          WORKER_THREADS,
          WORKER_LEASE_MS,
          WORKER_TASK_ATTEMPTS,
          WORKER_TASK_TIMEOUT_MS,
          WORKER_SHUTDOWN_GRACE_MS,
          DRIVER_STANDBY_POLL_MS,
          STARTUP_RETRY_MAX_MS,
          OUTBOX_MAX_RECORD_BYTES,
          OUTBOX_RELAY_INTERVAL_MS,
          OUTBOX_RELAY_MAX_RECORDS,
          OUTBOX_TRANSACTIONAL_ID,
          OUTBOX_PROGRESS_TOPIC,
          LEDGER_RETENTION_MS,
          LEDGER_RETENTION_INTERVAL_MS,
          LEDGER_RETENTION_CHUNK_ROWS,
          KAFKA_BOOTSTRAP_SERVERS,
          POSTGRES_URL,
          POSTGRES_USER,
          POSTGRES_PASSWORD,
          POSTGRES_POOL_SIZE,
          HTTP_PORT,
          HTTP_BIND_ADDRESS);

  private static final Map<String, ConfigKey<?>> BY_NAME =
      ALL.stream().collect(Collectors.toUnmodifiableMap(ConfigKey::name, Function.identity()));

  // ---- passthrough families ---------------------------------------------------------------

  /** Names a Kafka consumer accepts; {@code kafka.*} keys outside it do not reach the consumer. */
  static final Set<String> KAFKA_CONSUMER_NAMES = Set.copyOf(ConsumerConfig.configNames());

  /** Names a Kafka admin client accepts. */
  static final Set<String> KAFKA_ADMIN_NAMES = Set.copyOf(AdminClientConfig.configNames());

  /** Names a Kafka producer accepts: for the outbox relay's producer. */
  static final Set<String> KAFKA_PRODUCER_NAMES = Set.copyOf(ProducerConfig.configNames());

  /** Kafka defines {@code config.providers.<name>.class} and its parameters dynamically. */
  static final List<String> KAFKA_OPEN_PREFIXES = List.of("config.providers.");

  public static final Passthrough JOB_PARAMS =
      Passthrough.open(
          "job.param.",
          "Job parameters, passed to the job (`JobSetup.params()`) without the prefix:"
              + " `job.param.table=totals` gives `table`.");

  public static final Passthrough KAFKA =
      Passthrough.of(
          "kafka.",
          union(union(KAFKA_CONSUMER_NAMES, KAFKA_ADMIN_NAMES), KAFKA_PRODUCER_NAMES),
          KAFKA_OPEN_PREFIXES,
          "Kafka consumer, admin client and producer settings (security, SASL, SSL, timeouts …)"
              + " without the prefix; each client gets the names it knows (the producer is the"
              + " outbox relay's), and a name Kafka does not know is an error. The engine always sets"
              + " `enable.auto.commit=false`, `isolation.level=read_committed`,"
              + " `auto.offset.reset=none` and byte-array deserializers (see Refused settings)."
              + " `kafka.group.id` is accepted and not used: the engine assigns partitions"
              + " itself and never commits offsets to Kafka.");

  public static final Passthrough POSTGRES =
      Passthrough.of(
          "postgres.",
          Arrays.stream(PGProperty.values()).map(PGProperty::getName).toList(),
          List.of(),
          "Other pgjdbc connection properties (`postgres.sslmode`, `postgres.sslrootcert`,"
              + " `postgres.ApplicationName` …) without the prefix; a name pgjdbc does not know is"
              + " an error.");

  private static final List<Passthrough> PASSTHROUGHS = List.of(JOB_PARAMS, KAFKA, POSTGRES);

  // ---- refusals ---------------------------------------------------------------------------

  private static final String BYTES_REASON =
      "the engine reads raw bytes and decodes values itself by value.format, so a value that"
          + " cannot be decoded becomes a dead letter instead of stopping the consumer";

  private static final List<Refusal> REFUSALS =
      List.of(
          Refusal.when(
              "kafka.enable.auto.commit",
              "true",
              "offsets live in the ledger, committed with the results; Kafka's auto-commit would"
                  + " record progress the sink never saw"),
          Refusal.unless(
              "kafka.isolation.level",
              "read_committed",
              "records of aborted Kafka transactions would be applied"),
          Refusal.always(
              "kafka.auto.offset.reset",
              "the engine reads exact offset ranges with assign+seek and sets"
                  + " auto.offset.reset=none, so a range Kafka no longer holds fails loudly"
                  + " instead of silently jumping; choose where new partitions start with"
                  + " source.starting"),
          Refusal.unless("kafka.key.deserializer", BYTE_ARRAY_DESERIALIZER, BYTES_REASON),
          Refusal.unless("kafka.value.deserializer", BYTE_ARRAY_DESERIALIZER, BYTES_REASON),
          Refusal.always(
              "kafka.transactional.id",
              "the outbox relay's producer is the only transactional one, and its id is"
                  + " outbox.transactional.id"),
          Refusal.unless(
              "kafka.enable.idempotence",
              "true",
              "the outbox relay publishes with Kafka transactions, which need an idempotent"
                  + " producer"),
          Refusal.unless(
              "postgres.autosave",
              "never",
              "pgjdbc autosave silently rolls back to savepoints, which can undo the offset"
                  + " fence while keeping the job's writes (the fence rule of DESIGN.md §3)"));

  /** Every declared key, in documentation order. */
  public static List<ConfigKey<?>> all() {
    return ALL;
  }

  /** The declared key of that exact name. */
  public static Optional<ConfigKey<?>> byName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /**
   * The prefixes whose keys pass through: {@code job.param.}, {@code kafka.}, {@code postgres.}.
   */
  public static List<Passthrough> passthroughs() {
    return PASSTHROUGHS;
  }

  /** The passthrough settings refused because they would break exactly-once. */
  public static List<Refusal> refusals() {
    return REFUSALS;
  }

  /** The class name the engine's consumers use for keys and values. */
  static String byteArrayDeserializer() {
    return BYTE_ARRAY_DESERIALIZER;
  }

  private static boolean isTopicName(String topic) {
    return topic.length() <= 249 && topic.matches("[a-zA-Z0-9._-]+");
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }
}
