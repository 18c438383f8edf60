package io.onceflow.connectors.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServers.class)
class SinkTableTest {

  private static TestDatabase db;
  private static int round;

  /** One database for the class, from the test kit's extension (dropped after the class). */
  @BeforeAll
  static void useDatabase(TestDatabase database) {
    db = database;
  }

  /**
   * Eight connections create the same new table at the same instant, as a job's worker threads do
   * at start-up; with a bare CREATE TABLE IF NOT EXISTS some lose with "type ... already exists".
   */
  @RepeatedTest(5)
  void manyConnectionsCreateTheSameTableAtOnce() throws Exception {
    String table = "race_" + round++;
    int threads = 8;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        boolean autoCommit = i % 2 == 0;
        results.add(
            pool.submit(
                () -> {
                  try (Connection c = db.connect()) {
                    c.setAutoCommit(autoCommit);
                    start.await();
                    SinkTable.createIfMissing(c, table, "id bigint PRIMARY KEY, v text");
                  }
                  return null;
                }));
      }
      for (Future<?> result : results) {
        result.get(); // rethrows a loser's exception, if any
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, count("SELECT count(*) FROM pg_class WHERE relname = '" + table + "'"));
    // pg_locks is server-wide: engines of other tests hold advisory locks in their own databases
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database ="
                + " (SELECT oid FROM pg_database WHERE datname = current_database())"));
  }

  @Test
  void leavesAnExistingTableAndItsRowsAlone() throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE kept (id bigint)");
      s.execute("INSERT INTO kept VALUES (1)");
      SinkTable.createIfMissing(c, "kept", "other text");
      assertEquals(1, count("SELECT count(*) FROM kept"));
    }
  }

  private static long count(String sql) throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
