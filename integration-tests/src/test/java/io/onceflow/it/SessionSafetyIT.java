package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.api.ConfigException;
import io.onceflow.ledger.Database;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The safety timeouts of DESIGN §3 ({@code idle_in_transaction_session_timeout}, {@code
 * lock_timeout}) are read back on the engine's connections; a URL whose {@code options=} replaces
 * them is refused before anything is written.
 */
@ExtendWith(RealServers.class)
class SessionSafetyIT {
  private static final long LEASE_MS = 7_000;

  @Test
  void everyConnectionOfTheEngineCarriesTheTimeoutsAndResetAllGoesBackToThem(TestDatabase db) throws Exception {
    try (Database database = Database.open(db.jdbcUrl(), new Properties(), 2, LEASE_MS, "safety-test")) {
      try (Connection pooled = database.connection()) {
        assertTimeouts(pooled, "7000", "a pooled connection");
        try (Statement st = pooled.createStatement()) {
          // What TaskFence and the setup connection do after a job changed its session.
          st.execute("SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0; RESET ALL");
        }
        assertTimeouts(pooled, "7000", "a pooled connection after RESET ALL");
      }
      try (Connection dedicated = database.dedicatedConnection()) {
        assertTimeouts(dedicated, "7000", "the dedicated connection");
      }
    }
  }

  @Test
  void aPostgresUrlWhoseOptionsReplaceTheTimeoutsIsRefusedNamingBothAndWhatToDo(TestDatabase db) {
    String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "options=-c%20lock_timeout=0";
    ConfigException refused =
        assertThrows(ConfigException.class, () -> Database.open(url, new Properties(), 2, LEASE_MS, "safety-test"));
    String message = refused.getMessage();
    assertTrue(message.contains("idle_in_transaction_session_timeout is 0 ms"), message);
    assertTrue(message.contains("lock_timeout is 0 ms"), message);
    assertTrue(message.contains("both must be 7000 ms (worker.lease.ms)"), message);
    assertTrue(message.contains("options= parameter in postgres.url replaces them (remove it"), message);
    assertTrue(message.contains("connection pooler may drop them"), message);
  }

  @Test
  void sessionSettingsOfTheUserInPostgresOptionsKeepTheTimeouts(TestDatabase db) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("options", "-c search_path=public");
    try (Database database = Database.open(db.jdbcUrl(), properties, 1, LEASE_MS, "safety-test");
        Connection c = database.connection()) {
      assertTimeouts(c, "7000", "with postgres.options");
    }
  }

  private static void assertTimeouts(Connection c, String expected, String which) throws SQLException {
    assertEquals(expected, setting(c, "idle_in_transaction_session_timeout"), which);
    assertEquals(expected, setting(c, "lock_timeout"), which);
  }

  private static String setting(Connection c, String name) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT setting FROM pg_settings WHERE name = '" + name + "'")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
