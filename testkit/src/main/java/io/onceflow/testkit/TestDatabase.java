package io.onceflow.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fresh, empty PostgreSQL database for one test (or test class), dropped on {@link #close()}.
 *
 * <p>The server is chosen once per JVM: {@code ONCEFLOW_TEST_POSTGRES_URL} if set, else a
 * Testcontainers container when Docker runs, else the local server at 127.0.0.1:5432 as user {@code
 * postgres}. {@link #create()} runs {@code CREATE DATABASE onceflow_test_<random>} there; {@link
 * #close()} runs {@code DROP DATABASE ... WITH (FORCE)}, which also ends sessions a test left open
 * (PostgreSQL 13 or later).
 *
 * <p><b>Failures.</b> An unreachable server makes {@link #create()} throw {@link
 * IllegalStateException} whose message lists every source tried and how to fix it. A database not
 * closed by its test is dropped by a shutdown hook when the JVM exits normally; one left by a
 * killed JVM stays, recognisable by its {@code onceflow_test_} prefix.
 *
 * <p><b>Threading.</b> Safe for concurrent use: each {@link #connect()} returns a new connection,
 * and {@link #close()} runs at most once.
 */
public final class TestDatabase implements AutoCloseable {

  /** Prefix of every database this class creates. */
  public static final String PREFIX = "onceflow_test_";

  private static final Set<TestDatabase> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(TestDatabase::dropLeftovers, "onceflow-test-database-exit"));
  }

  private final PostgresServer server;
  private final String name;
  private final JdbcUrl url;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TestDatabase(PostgresServer server, String name) {
    this.server = server;
    this.name = name;
    this.url = server.urlFor(name);
  }

  /**
   * Creates a new empty database on the test server.
   *
   * @throws IllegalStateException if the server cannot be reached or refuses the database
   */
  public static TestDatabase create() {
    return create(PostgresServer.get());
  }

  static TestDatabase create(PostgresServer server) {
    byte[] random = new byte[6];
    ThreadLocalRandom.current().nextBytes(random);
    TestDatabase db = new TestDatabase(server, PREFIX + HexFormat.of().formatHex(random));
    try (Connection admin = server.admin();
        Statement st = admin.createStatement()) {
      st.execute("CREATE DATABASE " + db.name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + db.name + " on " + server, e);
    }
    OPEN.add(db);
    return db;
  }

  /**
   * A JDBC URL for this database that carries the user (and password, if any), so it can be handed
   * as is to the engine, a pool or another process.
   */
  public String jdbcUrl() {
    return url.toString();
  }

  /** A new connection to this database, with the driver's defaults (autocommit on). */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl());
  }

  /**
   * A new connection with auto-commit off, like a task's: for tests that drive a job's
   * transaction themselves (commit, roll back, replay).
   */
  public Connection connectInTransaction() throws SQLException {
    Connection connection = connect();
    connection.setAutoCommit(false);
    return connection;
  }

  /** The database name, {@code onceflow_test_<12 hex digits>}. */
  public String name() {
    return name;
  }

  /** The user the URL connects as. */
  public String user() {
    return server.user();
  }

  /** The password the URL carries, or null when the server needs none (trust auth). */
  public String password() {
    return server.password();
  }

  /**
   * Drops the database, ending any session still connected to it. Idempotent.
   *
   * @throws IllegalStateException if the server refuses; the database then stays
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    OPEN.remove(this);
    drop();
  }

  @Override
  public String toString() {
    return name + " on " + server;
  }

  private void drop() {
    try (Connection admin = server.admin();
        Statement st = admin.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop database " + name + " on " + server, e);
    }
  }

  private static void dropLeftovers() {
    for (TestDatabase db : OPEN) {
      try {
        db.drop();
      } catch (RuntimeException e) {
        System.err.println(
            "onceflow-testkit: could not drop " + db + " at exit: " + e.getMessage());
      }
    }
  }
}
