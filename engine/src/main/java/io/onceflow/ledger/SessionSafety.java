package io.onceflow.ledger;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * The two session settings DESIGN §3 relies on, and the check that they are in force.
 *
 * <p>{@code idle_in_transaction_session_timeout} and {@code lock_timeout}, both the task lease,
 * make PostgreSQL end a frozen worker's session so it cannot hold a partition's fence row past its
 * lease. They travel as startup {@code options}, so that they are the <em>session defaults</em>:
 * the {@code RESET ALL} at the fence and before COMMIT (which undoes what a job {@code SET}) goes
 * back to them. Sent any other way ({@code SET} after connecting) they would be reset away.
 *
 * <p>Startup options can be lost without an error: an {@code options=} parameter in {@code
 * postgres.url} replaces the engine's (pgjdbc lets URL parameters win over properties), and a
 * connection pooler may drop them. So every new physical connection is read back once, and one
 * without them is refused: a cost of one query per physical connection, none per task.
 */
final class SessionSafety {
  static final String IDLE = "idle_in_transaction_session_timeout";
  static final String LOCK = "lock_timeout";

  private SessionSafety() {}

  /** The startup {@code options} value that sets both to {@code leaseMs}. */
  static String startupOptions(long leaseMs) {
    return "-c " + IDLE + "=" + leaseMs + " -c " + LOCK + "=" + leaseMs;
  }

  /**
   * Reads both settings back on {@code c}.
   *
   * @throws UnsafeSessionException if either is not {@code leaseMs} milliseconds
   */
  static void verify(Connection c, long leaseMs, String maskedUrl) throws SQLException {
    Map<String, String> actual = new TreeMap<>();
    try (Statement s = c.createStatement();
        // pg_settings gives both in milliseconds ('30000'); SHOW would format them ('30s').
        ResultSet rs =
            s.executeQuery(
                "SELECT name, setting FROM pg_settings WHERE name IN ('" + IDLE + "', '" + LOCK + "')")) {
      while (rs.next()) {
        actual.put(rs.getString(1), rs.getString(2));
      }
    }
    String expected = String.valueOf(leaseMs);
    if (!expected.equals(actual.get(IDLE)) || !expected.equals(actual.get(LOCK))) {
      throw new UnsafeSessionException(message(actual, expected, maskedUrl));
    }
  }

  private static String message(Map<String, String> actual, String expected, String maskedUrl) {
    return "The PostgreSQL sessions at "
        + maskedUrl
        + " do not have the engine's safety timeouts: "
        + IDLE + " is " + shown(actual.get(IDLE)) + " and " + LOCK + " is " + shown(actual.get(LOCK))
        + ", both must be " + expected + " ms (worker.lease.ms). They end a frozen worker's"
        + " transaction before its lease runs out, so that no other worker waits on its fence for"
        + " ever (DESIGN.md §3). The engine sends them as startup options: an options= parameter"
        + " in postgres.url replaces them (remove it from the URL; put other session settings in"
        + " postgres.options, which the engine adds its own to), and a connection pooler may drop"
        + " them (let it pass the startup parameter 'options' through, or connect directly).";
  }

  private static String shown(String milliseconds) {
    return milliseconds == null ? "unknown" : milliseconds + " ms";
  }

  /**
   * A connection that lacks the safety timeouts. A {@link SQLException} so that a pool treats it
   * like a connection that could not be opened: it is closed, never lent out. Not retriable by
   * {@link SqlErrors}: no SQLState, no transient type.
   */
  static final class UnsafeSessionException extends SQLNonTransientConnectionException {
    private static final long serialVersionUID = 1L;

    UnsafeSessionException(String message) {
      super(message);
    }
  }
}
