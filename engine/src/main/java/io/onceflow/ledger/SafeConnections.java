package io.onceflow.ledger;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Opens physical connections to the sink database and lends out only those that carry the
 * engine's safety timeouts ({@link SessionSafety}). The pools and the driver's dedicated
 * connection open theirs here, so no way into the database skips the check.
 *
 * <p>Thread-safe and stateless but for its settings.
 */
final class SafeConnections implements DataSource {
  private final String url;
  private final Properties properties;
  private final long leaseMs;
  private final String maskedUrl;

  SafeConnections(String url, Properties properties, long leaseMs, String maskedUrl) {
    this.url = url;
    this.properties = properties;
    this.leaseMs = leaseMs;
    this.maskedUrl = maskedUrl;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection c = DriverManager.getConnection(url, properties);
    try {
      SessionSafety.verify(c, leaseMs, maskedUrl);
      return c;
    } catch (SQLException | RuntimeException e) {
      try {
        c.close();
      } catch (SQLException closeFailed) {
        e.addSuppressed(closeFailed);
      }
      throw e;
    }
  }

  /** Not supported: the user and password are part of the engine's configuration. */
  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the engine connects as postgres.user only");
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  /** Ignored: pgjdbc's {@code connectTimeout} property bounds a connection attempt. */
  @Override
  public void setLoginTimeout(int seconds) {}

  /**
   * The {@code connectTimeout} in force, in seconds. A pool closing waits this long for a
   * connection attempt still under way (0 made Hikari warn at every close).
   */
  @Override
  public int getLoginTimeout() {
    try {
      return Integer.parseInt(properties.getProperty("connectTimeout", "10").trim());
    } catch (NumberFormatException e) {
      return 10; // pgjdbc's own default
    }
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("not a wrapper for " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
