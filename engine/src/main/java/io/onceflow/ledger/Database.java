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
 */
public final class Database implements AutoCloseable {
  private final SafeConnections connections;
  private final HikariDataSource pool;

  private Database(SafeConnections connections, HikariDataSource pool) {
    this.connections = connections;
    this.pool = pool;
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
    return new Database(connections, new HikariDataSource(config));
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

  @Override
  public void close() {
    pool.close();
  }
}
