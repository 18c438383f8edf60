package io.onceflow.app.demo;

import io.onceflow.api.OnceflowException;
import io.onceflow.embedded.EmbeddedKafkaBroker;
import io.onceflow.ledger.Urls;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * <p>The broker is a real KRaft broker in a forked JVM ({@link EmbeddedKafkaBroker}); the embedded
 * PostgreSQL is a real server too (zonky's binaries, run through {@code unshare} when we are root).
 * If this JVM is killed, both watch for it: the broker's watchdog and PostgreSQL's own shutdown
 * hook (on a normal or signalled exit) end them.
 */
final class DemoEnvironment implements AutoCloseable {
  private final Path workDir;
  private final EmbeddedKafkaBroker broker;
  private final EmbeddedPostgres embeddedPostgres;
  private final String postgresUrl;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DemoEnvironment(
      Path workDir, EmbeddedKafkaBroker broker, EmbeddedPostgres embedded, String postgresUrl) {
    this.workDir = workDir;
    this.broker = broker;
    this.embeddedPostgres = embedded;
    this.postgresUrl = postgresUrl;
  }

  /**
   * Starts the broker and, when {@code givenPostgresUrl} is null, an embedded PostgreSQL.
   *
   * @param say receives one line per server as it is ready
   */
  static DemoEnvironment start(String givenPostgresUrl, Consumer<String> say) {
    Path workDir = createWorkDir();
    long started = System.nanoTime();
    CompletableFuture<TimedPostgres> postgres =
        givenPostgresUrl == null
            ? CompletableFuture.supplyAsync(DemoEnvironment::startEmbeddedPostgres)
            : CompletableFuture.completedFuture(new TimedPostgres(null, ""));
    if (givenPostgresUrl == null) {
      say.accept(
          "PostgreSQL  no --postgres-url or ONCEFLOW_POSTGRES_URL given: starting an embedded"
              + " PostgreSQL for this run");
    }
    EmbeddedKafkaBroker broker;
    try {
      broker = startBroker(workDir);
    } catch (RuntimeException e) {
      postgres.thenAccept(p -> closeQuietly(p.server()));
      deleteQuietly(workDir);
      throw e;
    }
    say.accept(
        "Kafka       started a KRaft broker at "
            + broker.bootstrapServers()
            + " in "
            + Seconds.since(started)
            + " (log: "
            + broker.logFile()
            + ")");
    TimedPostgres embedded;
    try {
      embedded = postgres.join();
    } catch (CompletionException e) {
      broker.stop();
      deleteQuietly(workDir);
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
    EmbeddedPostgres server = embedded.server();
    String url = server == null ? givenPostgresUrl : server.getJdbcUrl("postgres", "postgres");
    say.accept(
        "PostgreSQL  "
            + (server == null
                ? "using " + Urls.withoutSecrets(url)
                : "embedded server ready at " + url + " in " + embedded.took()));
    return new DemoEnvironment(workDir, broker, server, url);
  }

  String bootstrapServers() {
    return broker.bootstrapServers();
  }

  String postgresUrl() {
    return postgresUrl;
  }

  boolean embeddedPostgres() {
    return embeddedPostgres != null;
  }

  /**
   * Stops the broker and the embedded PostgreSQL, and deletes the broker's data. Idempotent: the
   * demo's interrupt hook and its normal end may both call it.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    broker.stop();
    closeQuietly(embeddedPostgres);
    deleteQuietly(workDir);
  }

  private static Path createWorkDir() {
    try {
      return Files.createTempDirectory("onceflow-demo-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for the demo", e);
    }
  }

  private static EmbeddedKafkaBroker startBroker(Path workDir) {
    try {
      return EmbeddedKafkaBroker.start(workDir.resolve("kafka"));
    } catch (RuntimeException e) {
      throw new OnceflowException("Cannot start the demo's Kafka broker: " + e.getMessage(), e);
    }
  }

  /** A started embedded server (null when the user gave one) and how long it took. */
  private record TimedPostgres(EmbeddedPostgres server, String took) {}

  private static TimedPostgres startEmbeddedPostgres() {
    long started = System.nanoTime();
    try {
      EmbeddedPostgres server = EmbeddedPostgres.builder().start();
      return new TimedPostgres(server, Seconds.since(started));
    } catch (IOException | RuntimeException e) {
      throw new OnceflowException(
          "Cannot start an embedded PostgreSQL ("
              + e.getMessage()
              + "). It needs the `unshare` command when run as root; or give a server with"
              + " --postgres-url jdbc:postgresql://host:5432/db?user=...",
          e);
    }
  }

  private static void closeQuietly(EmbeddedPostgres postgres) {
    if (postgres == null) {
      return;
    }
    try {
      postgres.close();
    } catch (IOException | RuntimeException e) {
      System.err.println("onceflow: could not stop the embedded PostgreSQL: " + e.getMessage());
    }
  }

  /** Best effort: a file the broker still writes while dying must not turn a PASS into an error. */
  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a leftover temp directory is harmless
    }
  }
}
