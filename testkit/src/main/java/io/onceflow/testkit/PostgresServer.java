package io.onceflow.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The PostgreSQL server that holds the test databases, chosen once per JVM:
 *
 * <ol>
 *   <li>{@value #URL_ENV} (or {@code -D}{@value #URL_PROPERTY}): a JDBC URL to an admin database
 *       whose user may create databases, e.g. {@code
 *       jdbc:postgresql://db:5432/postgres?user=postgres&password=secret};
 *   <li>else, when Docker runs, a Testcontainers {@code postgres} container for this JVM;
 *   <li>else the local server, {@value #LOCAL_URL}.
 * </ol>
 *
 * <p>Reachability is checked when a database is created, not when the server is chosen, so a server
 * started after a first failure is found by the next test. Thread-safe: it holds only immutable
 * state and opens a new admin connection per call.
 */
final class PostgresServer {

  static final String URL_ENV = "ONCEFLOW_TEST_POSTGRES_URL";
  static final String URL_PROPERTY = "onceflow.test.postgres.url";
  static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
  static final String CONTAINER_IMAGE = "postgres:15-alpine";

  private final JdbcUrl adminUrl;
  private final String source;
  private final List<String> tried;

  private PostgresServer(JdbcUrl adminUrl, String source, List<String> tried) {
    this.adminUrl = adminUrl;
    this.source = source;
    this.tried = List.copyOf(tried);
  }

  private static PostgresServer instance; // guarded by PostgresServer.class
  private static RuntimeException failure; // guarded by PostgresServer.class

  /**
   * The server for this JVM, chosen on first call. A container that failed to start is not tried
   * again: its error is rethrown to every later caller.
   */
  static synchronized PostgresServer get() {
    if (failure != null) {
      throw new IllegalStateException(
          "choosing the test PostgreSQL server failed earlier", failure);
    }
    if (instance == null) {
      try {
        instance =
            choose(System.getProperty(URL_PROPERTY, System.getenv(URL_ENV)), Docker::available);
        System.getLogger(PostgresServer.class.getName())
            .log(System.Logger.Level.INFO, "test databases on: {0}", instance);
      } catch (RuntimeException e) {
        failure = e;
        throw e;
      }
    }
    return instance;
  }

  /** Chooses a server from explicit inputs; visible for tests. */
  static PostgresServer choose(String explicitUrl, BooleanSupplier dockerAvailable) {
    List<String> tried = new ArrayList<>();
    if (explicitUrl != null && !explicitUrl.isBlank()) {
      JdbcUrl url = JdbcUrl.parse(explicitUrl.trim());
      return new PostgresServer(url, URL_ENV + "=" + url.redacted(), tried);
    }
    tried.add(URL_ENV + ": not set");
    if (dockerAvailable.getAsBoolean()) {
      PostgreSQLContainer container = new PostgreSQLContainer(CONTAINER_IMAGE);
      container.start();
      Runtime.getRuntime()
          .addShutdownHook(new Thread(container::stop, "onceflow-test-postgres-exit"));
      JdbcUrl url =
          JdbcUrl.parse(container.getJdbcUrl())
              .withParam("user", container.getUsername())
              .withParam("password", container.getPassword());
      return new PostgresServer(url, "Testcontainers " + CONTAINER_IMAGE, tried);
    }
    tried.add(Docker.describe());
    return new PostgresServer(JdbcUrl.parse(LOCAL_URL), "local server " + LOCAL_URL, tried);
  }

  /** A URL for {@code database} on this server, with the admin user and password. */
  JdbcUrl urlFor(String database) {
    return adminUrl.withDatabase(database);
  }

  /** A new autocommit connection to the admin database. */
  Connection admin() {
    Properties defaults = new Properties();
    // URL parameters win over these; they only bound how long an unreachable server takes to fail
    defaults.setProperty("connectTimeout", "10");
    defaults.setProperty("ApplicationName", "onceflow-testkit");
    try {
      return DriverManager.getConnection(adminUrl.toString(), defaults);
    } catch (SQLException e) {
      throw new IllegalStateException(unreachable(e), e);
    }
  }

  String user() {
    String user = adminUrl.user();
    return user != null ? user : System.getProperty("user.name");
  }

  String password() {
    return adminUrl.password();
  }

  @Override
  public String toString() {
    return source;
  }

  private String unreachable(SQLException e) {
    StringBuilder m = new StringBuilder("cannot connect to PostgreSQL for test databases.\n");
    for (String t : tried) {
      m.append("  tried ").append(t).append('\n');
    }
    m.append("  tried ")
        .append(source)
        .append(": ")
        .append(e.getMessage())
        .append(" (SQLState ")
        .append(e.getSQLState())
        .append(")\n");
    m.append("Fix: start the local server with\n")
        .append("  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n")
        .append("or point the tests at a server whose user may CREATE DATABASE:\n")
        .append("  export ")
        .append(URL_ENV)
        .append("='jdbc:postgresql://host:5432/postgres?user=postgres&password=...'");
    return m.toString();
  }
}
