package io.onceflow.ledger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.onceflow.api.ConfigException;
import io.onceflow.api.OnceflowException;
import io.onceflow.api.RetriableException;
import io.onceflow.config.Secrets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * The connections of one process to the sink database, which also holds the ledger.
 *
 * <p>Every connection starts with {@code idle_in_transaction_session_timeout} and {@code
 * lock_timeout} tied to the task lease (DESIGN §3): a frozen or paused worker cannot hold a
 * partition's fence row past its lease, because PostgreSQL ends its session and rolls back. Each
 * physical connection is checked to have them ({@link SessionSafety}); one without them is never
 * used.
 *
 * <p>Two pools: the main one for tasks, planning, claims and the HTTP endpoints, and one
 * connection of its own for the lease keeper ({@link #leaseKeeper()}), so that a busy main pool
 * cannot delay a renewal until a lease runs out.
 */
public final class Database implements AutoCloseable {
  private final SafeConnections connections;
  private final HikariDataSource pool;
  private final String role;
  private final long leaseMs;
  private HikariDataSource leaseKeeper;

  private Database(SafeConnections connections, HikariDataSource pool, String role, long leaseMs) {
    this.connections = connections;
    this.pool = pool;
    this.role = role;
    this.leaseMs = leaseMs;
  }

  /**
   * Opens a pool after one connection has shown that the server answers and that the safety
   * timeouts are in force.
   *
   * @throws ConfigException if the connection lacks the safety timeouts (named, with what to do)
   * @throws RetriableException if the server cannot be reached now (refused, restarting, reset)
   * @throws OnceflowException for any other refusal (wrong password, unknown database); each names
   *     the password-free URL
   */
  public static Database open(
      String url, Properties connectionProperties, int poolSize, long leaseMs, String role) {
    Properties properties = new Properties();
    properties.putAll(connectionProperties);
    String sessionOptions = SessionSafety.startupOptions(leaseMs);
    String userOptions = properties.getProperty("options");
    properties.setProperty(
        "options", userOptions == null ? sessionOptions : userOptions + " " + sessionOptions);
    properties.putIfAbsent("ApplicationName", "onceflow-" + role);
    properties.putIfAbsent("connectTimeout", "10");
    SafeConnections connections =
        new SafeConnections(url, properties, leaseMs, Secrets.maskUrl(url));
    probe(connections, url);

    HikariConfig config = new HikariConfig();
    config.setPoolName("onceflow-" + role);
    config.setDataSource(connections);
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(15_000);
    // The probe has just shown the server answers; a server gone since fails the first use with
    // a retriable error, which start-up retries.
    config.setInitializationFailTimeout(-1);
    return new Database(connections, new HikariDataSource(config), role, leaseMs);
  }

  private static void probe(SafeConnections connections, String url) {
    try (Connection c = connections.getConnection()) {
      // connected and checked
    } catch (SessionSafety.UnsafeSessionException e) {
      throw new ConfigException(e.getMessage(), e);
    } catch (SQLException e) {
      String message =
          "Cannot connect to PostgreSQL at "
              + Secrets.maskUrl(url)
              + ": "
              + SqlErrors.rootMessage(e)
              + ". Check postgres.url / postgres.user / postgres.password and that the server is"
              + " running.";
      throw SqlErrors.isRetriable(e)
          ? new RetriableException(message, e)
          : new OnceflowException(message, e);
    }
  }

  public DataSource dataSource() {
    return pool;
  }

  /** A pooled connection in autocommit mode. */
  public Connection connection() throws SQLException {
    return pool.getConnection();
  }

  /**
   * A connection outside the pool, for a session-scoped advisory lock that must live exactly as
   * long as this connection.
   */
  public Connection dedicatedConnection() throws SQLException {
    return connections.getConnection();
  }

  /**
   * The lease keeper's own connection (a pool of one, opened on first use, reopened after a
   * failure): task threads, the driver and the HTTP endpoints holding every connection of the
   * main pool cannot make a renewal wait.
   *
   * <p>A renewal gets a sixth of a lease to get through, waiting for the connection and running
   * its statement ({@code statement_timeout}: also a wait on a row lock): the keeper renews every
   * third of a lease, so one that fails does so, and says so, with a third of the lease still
   * left, never by silently waiting past its end.
   */
  public synchronized DataSource leaseKeeper() {
    if (leaseKeeper == null) {
      long budgetMs = leaseRenewalBudgetMs(leaseMs);
      HikariConfig config = new HikariConfig();
      config.setPoolName("onceflow-" + role + "-leases");
      config.setDataSource(connections);
      config.setMaximumPoolSize(1);
      config.setMinimumIdle(1);
      config.setConnectionTimeout(budgetMs);
      // Only autocommit renewals run here, never RESET ALL: the setting stays.
      config.setConnectionInitSql("SET statement_timeout = " + budgetMs);
      config.setInitializationFailTimeout(-1);
      leaseKeeper = new HikariDataSource(config);
    }
    return leaseKeeper;
  }

  /** How long one lease renewal may take: a sixth of the lease, at least Hikari's 250 ms. */
  public static long leaseRenewalBudgetMs(long leaseMs) {
    return Math.max(250, leaseMs / 6);
  }

  @Override
  public synchronized void close() {
    pool.close();
    if (leaseKeeper != null) {
      leaseKeeper.close();
    }
  }
}
