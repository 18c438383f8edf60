package io.onceflow.ledger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.onceflow.api.OnceflowException;
import io.onceflow.config.Secrets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * The connections of one process to the sink database, which also holds the ledger.
 *
 * <p>Every connection starts with {@code idle_in_transaction_session_timeout} and {@code
 * lock_timeout} tied to the task lease (DESIGN §3): a frozen or paused worker cannot hold a
 * partition's fence row past its lease, because PostgreSQL ends its session and rolls back.
 */
public final class Database implements AutoCloseable {
  private final String url;
  private final Properties properties;
  private final HikariDataSource pool;

  private Database(String url, Properties properties, HikariDataSource pool) {
    this.url = url;
    this.properties = properties;
    this.pool = pool;
  }

  /**
   * Opens a pool and checks that the server answers; a server that does not is a clear error
   * naming the (password-free) URL.
   */
  public static Database open(
      String url, Properties connectionProperties, int poolSize, long leaseMs, String role) {
    Properties properties = new Properties();
    properties.putAll(connectionProperties);
    String sessionOptions =
        "-c idle_in_transaction_session_timeout=" + leaseMs + " -c lock_timeout=" + leaseMs;
    String userOptions = properties.getProperty("options");
    properties.setProperty(
        "options", userOptions == null ? sessionOptions : userOptions + " " + sessionOptions);
    properties.putIfAbsent("ApplicationName", "onceflow-" + role);
    properties.putIfAbsent("connectTimeout", "10");

    HikariConfig config = new HikariConfig();
    config.setPoolName("onceflow-" + role);
    config.setJdbcUrl(url);
    config.setDataSourceProperties(properties);
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(15_000);
    // Fail at start, with the reason, when the database is unreachable.
    config.setInitializationFailTimeout(10_000);
    try {
      return new Database(url, properties, new HikariDataSource(config));
    } catch (RuntimeException e) {
      throw new OnceflowException(
          "Cannot connect to PostgreSQL at "
              + Secrets.maskUrl(url)
              + ": "
              + SqlErrors.rootMessage(e)
              + ". Check postgres.url / postgres.user / postgres.password and that the server is"
              + " running.",
          e);
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
    return DriverManager.getConnection(url, properties);
  }

  @Override
  public void close() {
    pool.close();
  }
}
