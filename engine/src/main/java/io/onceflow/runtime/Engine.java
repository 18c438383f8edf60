package io.onceflow.runtime;

import io.onceflow.api.Job;
import io.onceflow.config.OnceflowConfig;
import io.onceflow.job.JobLoader;
import io.onceflow.kafka.KafkaProbe;
import io.onceflow.ledger.Database;
import io.onceflow.ledger.JobRegistry;
import io.onceflow.ledger.LedgerSchema;
import io.onceflow.metrics.EngineMetrics;
import io.onceflow.config.Secrets;
import io.onceflow.outbox.OutboxRelay;
import io.onceflow.plan.Driver;
import io.onceflow.task.WorkerPool;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process of a job: a driver, a worker pool, or both (local mode).
 *
 * <p>{@link #start} checks everything it can before it writes anything: the job class loads, Kafka
 * answers, PostgreSQL answers with the safety timeouts in force; only then does it create or
 * upgrade the ledger and start. A server that is away or restarting meanwhile is waited out
 * ({@link StartupRetry}, {@code startup.retry.max.ms}); the driver's registration of the job and
 * its leadership attempts are part of its own loop, which waits out outages at any time.
 *
 * <p>Thread-safe: {@link #stop()} may be called from a shutdown hook while another thread waits
 * in {@link #awaitTermination()}.
 */
public final class Engine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  private static final long KAFKA_PROBE_TIMEOUT_MS = 15_000;

  /** What this process runs. */
  public enum Role {
    LOCAL(true, true),
    DRIVER(true, false),
    WORKER(false, true);

    final boolean drives;
    final boolean works;

    Role(boolean drives, boolean works) {
      this.drives = drives;
      this.works = works;
    }
  }

  private final OnceflowConfig config;
  private final Database database;
  private final Driver driver;
  private final WorkerPool workers;
  private final RetentionRunner retention;
  private final OutboxRelay relay;
  private volatile boolean stopped;

  private Engine(OnceflowConfig config, Database database, Driver driver, WorkerPool workers,
      RetentionRunner retention, OutboxRelay relay) {
    this.config = config;
    this.database = database;
    this.driver = driver;
    this.workers = workers;
    this.retention = retention;
    this.relay = relay;
  }

  public static Engine start(OnceflowConfig config, Role role) {
    return start(config, role, EngineMetrics.none());
  }

  /** Starts with {@code metrics} reporting what the driver and the workers do. */
  public static Engine start(OnceflowConfig config, Role role, EngineMetrics metrics) {
    log.info("Starting {} of job '{}' with\n{}", role.name().toLowerCase(), config.jobName(), config.describe());
    Supplier<Job<?>> jobs = role.works ? JobLoader.load(config.jobClass(), config.jobJar()) : null;
    StartupRetry retry = StartupRetry.forJob(config.jobName(), config.startupRetryMaxMs());
    String clusterId =
        retry.call("reach Kafka", () -> KafkaProbe.clusterId(config.kafkaAdminProperties(), KAFKA_PROBE_TIMEOUT_MS));
    log.info("Kafka cluster {} at {}", clusterId, config.kafkaBootstrapServers());
    Database database =
        retry.call(
            "connect to PostgreSQL",
            () ->
                Database.open(
                    config.postgresUrl(),
                    config.postgresProperties(),
                    config.postgresPoolSize(),
                    config.leaseMs(),
                    role.name().toLowerCase() + "-" + config.jobName()));
    try {
      retry.run("create or upgrade the ledger", () -> LedgerSchema.migrate(database.dataSource()));
      log.info("Ledger ready at {}", Secrets.maskUrl(config.postgresUrl()));
      if (role.works) {
        // Before anything starts: a worker must not run its job class on another pipeline's
        // ranges filed under the same job name (a driver refuses the same mismatch itself).
        retry.run("look up the job in the ledger", () -> new JobRegistry(database.dataSource())
            .refuseOtherSources(config.jobName(), config.sourcesDescription()));
      }
      Driver driver = role.drives ? new Driver(config, database, metrics) : null;
      WorkerPool workers =
          role.works ? new WorkerPool(config, database, jobs, Clock.systemUTC(), metrics) : null;
      // Ledger retention runs beside the driver, only while it leads (ledger.retention.ms = 0: off).
      RetentionRunner retention =
          driver != null && config.retentionMs() > 0
              ? new RetentionRunner(config, database, driver::isLeader)
              : null;
      // The outbox relay, too, runs only while the driver leads (it starts its producer when the
      // outbox first has rows, so a job that never emits needs no Kafka transactions).
      OutboxRelay relay =
          driver != null ? new OutboxRelay(config, database, driver::isLeader, metrics) : null;
      Engine engine = new Engine(config, database, driver, workers, retention, relay);
      if (driver != null && workers != null) {
        driver.whenPlanned(workers::newWorkMayBeClaimable); // no idle wait for a new batch
      }
      if (workers != null) {
        // Registering the worker is the first thing start() does, before any thread runs: a
        // failed registration leaves nothing to undo. The driver starts after it, so a worker
        // that cannot start leaves no driver thread behind either.
        retry.run("register the worker", workers::start);
      }
      if (driver != null) {
        driver.start();
      }
      if (retention != null) {
        retention.start();
      }
      if (relay != null) {
        relay.start();
      }
      return engine;
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  public Optional<Driver> driver() {
    return Optional.ofNullable(driver);
  }

  public Optional<WorkerPool> workers() {
    return Optional.ofNullable(workers);
  }

  public Database database() {
    return database;
  }

  public OnceflowConfig config() {
    return config;
  }

  /** The first error that stopped a part of this process, if any. */
  public Optional<Throwable> failure() {
    if (driver != null && driver.failure() != null) {
      return Optional.of(driver.failure());
    }
    if (workers != null && workers.failure() != null) {
      return Optional.of(workers.failure());
    }
    return Optional.empty();
  }

  /** Blocks until {@link #stop()} is called or a part fails. */
  public void awaitTermination() throws InterruptedException {
    while (!stopped && failure().isEmpty()) {
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  /**
   * Graceful stop: the driver stops planning, workers finish or roll back their current task and
   * release their leases.
   */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (retention != null) {
      retention.close();
    }
    if (relay != null) {
      relay.close();
    }
    if (driver != null) {
      driver.stop();
    }
    if (workers != null) {
      workers.stop();
    }
    database.close();
    log.info("Stopped job '{}'", config.jobName());
  }

  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return workers == null || workers.awaitStopped(timeout);
  }

  @Override
  public void close() {
    stop();
  }
}
