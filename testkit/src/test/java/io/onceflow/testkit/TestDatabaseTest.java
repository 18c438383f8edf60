package io.onceflow.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs against the real server {@link PostgresServer#get()} picks. On this project's machines that
 * is the local PostgreSQL at 127.0.0.1:5432: no Docker engine runs there, so the Testcontainers
 * path cannot be exercised by these tests, only the environment-variable and local paths.
 */
class TestDatabaseTest {

  @Test
  void createsAnEmptyDatabaseThatAnotherConnectionReachesByUrlAlone() throws SQLException {
    long t0 = System.nanoTime();
    try (TestDatabase db = TestDatabase.create()) {
      System.out.printf("timing: create database %d ms%n", millis(t0));
      assertTrue(db.name().matches("onceflow_test_[0-9a-f]{12}"), db.name());
      assertTrue(db.jdbcUrl().contains("/" + db.name()), db.jdbcUrl());
      assertTrue(db.jdbcUrl().contains("user=" + db.user()), db.jdbcUrl());

      try (Connection c = DriverManager.getConnection(db.jdbcUrl());
          Statement st = c.createStatement()) {
        st.execute("CREATE TABLE t (id int PRIMARY KEY)");
        st.execute("INSERT INTO t VALUES (1), (2)");
        ResultSet rs = st.executeQuery("SELECT current_database(), count(*) FROM t");
        assertTrue(rs.next());
        assertEquals(db.name(), rs.getString(1));
        assertEquals(2, rs.getInt(2));
      }
      try (TestDatabase other = TestDatabase.create()) {
        assertNotEquals(db.name(), other.name());
      }
    }
  }

  @Test
  void closeDropsTheDatabaseEvenWithSessionsStillOpen() throws SQLException {
    TestDatabase db = TestDatabase.create();
    Connection leaked = db.connect();
    long t0 = System.nanoTime();
    db.close();
    System.out.printf("timing: drop database (one session open) %d ms%n", millis(t0));
    assertFalse(exists(db.name()));
    assertThrows(SQLException.class, () -> leaked.createStatement().execute("SELECT 1"));
    leaked.close();
    db.close(); // idempotent
  }

  @Test
  void createAndDropTimings() {
    int n = 5;
    long create = 0;
    long drop = 0;
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      TestDatabase db = TestDatabase.create();
      long t1 = System.nanoTime();
      db.close();
      create += t1 - t0;
      drop += System.nanoTime() - t1;
    }
    System.out.printf(
        "timing: mean of %d: create %d ms, drop %d ms%n",
        n, TimeUnit.NANOSECONDS.toMillis(create / n), TimeUnit.NANOSECONDS.toMillis(drop / n));
  }

  @Test
  void unreachableServerSaysWhatWasTriedAndHowToFixIt() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    String url =
        "jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres?user=postgres&password=secret";
    PostgresServer server = PostgresServer.choose(url, () -> false);

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> TestDatabase.create(server));
    String m = e.getMessage();
    assertTrue(
        m.contains(PostgresServer.URL_ENV + "=jdbc:postgresql://127.0.0.1:" + closedPort), m);
    assertTrue(m.contains("password=***"), m);
    assertFalse(m.contains("secret"), m);
    assertTrue(
        m.contains("pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"), m);
  }

  @Test
  void anExplicitUrlIsUsedAsTheAdminDatabase() throws SQLException {
    // the ONCEFLOW_TEST_POSTGRES_URL path, pointed at the same local server
    PostgresServer server =
        PostgresServer.choose(
            "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres", () -> true);
    assertTrue(server.toString().startsWith(PostgresServer.URL_ENV + "="), server.toString());
    try (TestDatabase db = TestDatabase.create(server);
        Connection c = db.connect()) {
      assertEquals(db.name(), c.getCatalog());
    }
  }

  @Test
  void withoutUrlOrDockerTheLocalServerIsChosenAndTheMessageSaysSo() throws Exception {
    PostgresServer server = PostgresServer.choose(null, () -> false);
    assertEquals("local server " + PostgresServer.LOCAL_URL, server.toString());
    assertEquals("postgres", server.user());
  }

  private static boolean exists(String database) throws SQLException {
    try (Connection admin = PostgresServer.get().admin();
        PreparedStatement ps =
            admin.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      ps.setString(1, database);
      return ps.executeQuery().next();
    }
  }

  private static long millis(long fromNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fromNanos);
  }
}
