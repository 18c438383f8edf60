package io.onceflow.it;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An embedded PostgreSQL of one test's own (zonky), which the test may stop and start again on
 * the same port and data: the outage the shared server must never be put through.
 */
final class OwnPostgres implements AutoCloseable {
  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres server;

  private OwnPostgres(Path dataDir, int port, EmbeddedPostgres server) {
    this.dataDir = dataDir;
    this.port = port;
    this.server = server;
  }

  static OwnPostgres start() {
    try {
      Path dir = Files.createTempDirectory("onceflow-own-pg-");
      EmbeddedPostgres pg = builder(dir, 0).start();
      return new OwnPostgres(dir, pg.getPort(), pg);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start an embedded PostgreSQL", e);
    }
  }

  private static EmbeddedPostgres.Builder builder(Path dir, int port) {
    EmbeddedPostgres.Builder b =
        EmbeddedPostgres.builder()
            .setDataDirectory(dir)
            .setCleanDataDirectory(false)
            .setRegisterShutdownHook(true)
            .setServerConfig("max_connections", "100");
    return port == 0 ? b : b.setPort(port);
  }

  /** {@code jdbc:postgresql://localhost:<port>/postgres?user=postgres}. */
  String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + port + "/postgres?user=postgres";
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl());
  }

  /** A fast shutdown (open sessions are ended, their transactions roll back). */
  synchronized void stop() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stop the embedded PostgreSQL", e);
    }
  }

  /** Starts again on the same port and data directory. */
  synchronized void startAgain() {
    try {
      server = builder(dataDir, port).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restart the embedded PostgreSQL on port " + port, e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      server.close();
    } catch (IOException e) {
      // stopped already
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // leftovers in the temp directory are harmless
    }
  }
}
