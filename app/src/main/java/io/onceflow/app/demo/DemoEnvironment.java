package io.onceflow.app.demo;

import io.onceflow.api.OnceflowException;
import io.onceflow.embedded.EmbeddedKafkaBroker;
import io.onceflow.config.Secrets;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The servers of one demo run: a fresh Kafka broker, always, and PostgreSQL, either the one the
 * user named or an embedded one started for the run. {@link #close()} stops what it started and
 * deletes its temporary directory; a PostgreSQL the user named is left running, of course.
 *
 * <p>Both start in parallel (an embedded PostgreSQL takes about as long as the broker's format
 * step), which saves a newcomer a couple of seconds on the first command they ever run.
 *
 * <h2>Ctrl-C and SIGTERM</h2>
 *
 * One shutdown hook, registered before anything starts, tears down in order: first whatever was
 * handed to {@link #beforeStop} (the engine, so its workers roll back or finish while their
 * database still answers; given at most a few seconds), then the embedded PostgreSQL, then the
 * broker, then the temporary directory. The embedded PostgreSQL's own hook is therefore switched off: JVM hooks run
 * concurrently, and it would shut the database down under the workers' open transactions. If this
 * JVM is killed outright, the broker's watchdog still ends the broker; an embedded PostgreSQL
 * outlives it (zonky removes stale data directories at its next start).
 */
final class DemoEnvironment implements AutoCloseable {
  private static final long ENGINE_STOP_GRACE_MS = 5_000;

  private final Path workDir;
  private final Thread hook;
  private final AtomicBoolean closed = new AtomicBoolean();
  // set while starting, read by the shutdown hook
  private volatile EmbeddedKafkaBroker broker;
  private volatile EmbeddedPostgres embeddedPostgres;
  private volatile Runnable beforeStop = () -> {};
  private volatile boolean stopping;
  private String postgresUrl;

  private DemoEnvironment(Path workDir) {
    this.workDir = workDir;
    this.hook = new Thread(this::onInterrupt, "onceflow-demo-cleanup");
  }

  /**
   * Starts the broker and, when {@code givenPostgresUrl} is null, an embedded PostgreSQL.
   *
   * @param say receives one line per server as it is ready
   */
  static DemoEnvironment start(String givenPostgresUrl, Consumer<String> say) {
    DemoEnvironment servers = new DemoEnvironment(createWorkDir());
    Runtime.getRuntime().addShutdownHook(servers.hook);
    try {
      servers.startServers(givenPostgresUrl, say);
      return servers;
    } catch (RuntimeException e) {
      servers.close();
      throw e;
    }
  }

  private void startServers(String givenPostgresUrl, Consumer<String> say) {
    long started = System.nanoTime();
    CompletableFuture<String> postgres;
    if (givenPostgresUrl == null) {
      say.accept(
          "PostgreSQL  no --postgres-url or ONCEFLOW_POSTGRES_URL given: starting an embedded"
              + " PostgreSQL for this run");
      postgres = CompletableFuture.supplyAsync(this::startEmbeddedPostgres);
    } else {
      checkReachable(givenPostgresUrl); // before the broker: a typo should cost no time
      postgres = CompletableFuture.completedFuture("using " + Secrets.maskUrl(givenPostgresUrl));
      postgresUrl = givenPostgresUrl;
    }
    try {
      broker = EmbeddedKafkaBroker.start(workDir.resolve("kafka"));
    } catch (RuntimeException e) {
      postgres.exceptionally(ignored -> null).join(); // let close() find the server, if any
      throw new OnceflowException("Cannot start the demo's Kafka broker: " + e.getMessage(), e);
    }
    say.accept(
        "Kafka       started a KRaft broker at "
            + broker.bootstrapServers()
            + " in "
            + Seconds.since(started)
            + " (log: "
            + broker.logFile()
            + ")");
    try {
      say.accept("PostgreSQL  " + postgres.join());
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  private static void checkReachable(String url) {
    try (Connection connection = DriverManager.getConnection(url)) {
      connection.isValid(5);
    } catch (SQLException e) {
      throw new OnceflowException(
          "Cannot connect to PostgreSQL at "
              + Secrets.maskUrl(url)
              + ": "
              + String.valueOf(e.getMessage()).replaceFirst("\\.$", "")
              + ". Check --postgres-url (or ONCEFLOW_POSTGRES_URL) and that the server is running.",
          e);
    }
  }

  /** Starts the embedded server; returns the line that announces it. */
  private String startEmbeddedPostgres() {
    long started = System.nanoTime();
    try {
      embeddedPostgres = EmbeddedPostgres.builder().setRegisterShutdownHook(false).start();
    } catch (IOException | RuntimeException e) {
      throw new OnceflowException(
          "Cannot start an embedded PostgreSQL ("
              + e.getMessage()
              + "). It needs the `unshare` command when run as root; or give a server with"
              + " --postgres-url jdbc:postgresql://host:5432/db?user=...",
          e);
    }
    postgresUrl = embeddedPostgres.getJdbcUrl("postgres", "postgres");
    return "embedded server ready at " + postgresUrl + " in " + Seconds.since(started);
  }

  String bootstrapServers() {
    return broker.bootstrapServers();
  }

  String postgresUrl() {
    return postgresUrl;
  }

  /** Runs {@code action} first if the JVM is asked to end while the servers are up. */
  void beforeStop(Runnable action) {
    beforeStop = action;
  }

  /**
   * Stops the embedded PostgreSQL and the broker, and deletes the broker's data. Idempotent: the
   * shutdown hook and the demo's normal end may both get here.
   */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs, or has run, and tears down itself
    }
    stopAll();
  }

  private void onInterrupt() {
    if (closed.get()) {
      return;
    }
    stopping = true;
    System.err.println();
    System.err.println("onceflow: demo interrupted; stopping the engine and the servers");
    Thread stopper = new Thread(beforeStop, "onceflow-demo-engine-stop");
    stopper.setDaemon(true);
    stopper.start();
    try {
      // A worker reading from the broker, which the broker launcher's own hook is stopping at
      // this very moment, may wait out its read timeout. Nothing depends on a clean stop here:
      // an unfinished task's transaction rolls back when its connection goes.
      stopper.join(ENGINE_STOP_GRACE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stopAll();
    }
  }

  /** True once the JVM was asked to end: the demo's own thread should stop reporting. */
  boolean stopping() {
    return stopping;
  }

  private void stopAll() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    EmbeddedPostgres postgres = embeddedPostgres;
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException | RuntimeException e) {
        System.err.println("onceflow: could not stop the embedded PostgreSQL: " + e.getMessage());
      }
    }
    EmbeddedKafkaBroker kafka = broker;
    if (kafka != null) {
      kafka.stop();
    }
    deleteQuietly(workDir);
  }

  private static Path createWorkDir() {
    try {
      return Files.createTempDirectory("onceflow-demo-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for the demo", e);
    }
  }

  /** Best effort: a leftover temporary directory must not turn a PASS into an error. */
  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // harmless: it lives under the system's temporary directory
    }
  }
}
