package io.onceflow.connectors.postgres;

import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(RealServers.class)
class DeltaUpsertTest {

  private static TestDatabase db;
  private Connection connection;

  /** One database for the class, from the test kit's extension (dropped after the class). */
  @BeforeAll
  static void useDatabase(TestDatabase database) {
    db = database;
  }

  @BeforeEach
  void createTable() throws SQLException {
    connection = db.connectInTransaction();
    execute(
        "CREATE TABLE totals (user_id text PRIMARY KEY, events bigint NOT NULL, amount bigint NOT"
            + " NULL)");
    connection.commit();
  }

  @AfterEach
  void dropTable() throws SQLException {
    connection.rollback();
    execute("DROP TABLE IF EXISTS totals");
    connection.commit();
    connection.close();
  }

  @Test
  void sumsDeltasPerKeyBeforeWriting() throws SQLException {
    DeltaUpsert upsert = totals(connection);
    upsert.add("b", 1, 10);
    upsert.add("a", 1, 5);
    upsert.add("b", 1, -3);
    upsert.add("ü 😀", new long[] {2, 2});
    assertEquals(3, upsert.pendingKeys());

    assertEquals(3, upsert.flush());
    assertEquals(0, upsert.pendingKeys());
    assertEquals(Map.of("a", "1/5", "b", "2/7", "ü 😀", "2/2"), rows());
  }

  @Test
  void keysGivenAsUtf8BytesAndAsStringsAreOneKey() throws SQLException {
    DeltaUpsert upsert = totals(connection);
    byte[] value = "{\"user\":\"b\",\"x\":\"ü 😀\"}".getBytes(StandardCharsets.UTF_8);
    upsert.add(value, 9, 10, 1, 10); // "b"
    upsert.add("b", 1, -3);
    int emoji = 17;
    upsert.add(value, emoji, value.length - 2, 2, 2); // "ü 😀"
    for (int i = 0; i < 3000; i++) { // past the table's first sizes
      byte[] key = ("k" + i).getBytes(StandardCharsets.US_ASCII);
      upsert.add(key, 0, key.length, 1, i);
      upsert.add(key, 0, key.length, 1, 0);
    }
    assertEquals(3002, upsert.flush());
    Map<String, String> rows = rows();
    assertEquals("2/7", rows.get("b"));
    assertEquals("2/2", rows.get("ü 😀"));
    assertEquals("2/2999", rows.get("k2999"));
    assertEquals(3002, rows.size());
  }

  @Test
  void refusesKeyBytesThatAreNotUtf8AndDropsThePendingDeltas() throws SQLException {
    DeltaUpsert upsert = totals(connection);
    upsert.add("a", 1, 1);
    upsert.add(new byte[] {'x', (byte) 0xC3}, 0, 2, 1, 1);
    assertThrows(IllegalArgumentException.class, upsert::flush);
    assertEquals(0, upsert.pendingKeys());
  }

  @Test
  void addsOntoExistingRows() throws SQLException {
    execute("INSERT INTO totals VALUES ('a', 100, 1000), ('untouched', 1, 1)");
    DeltaUpsert upsert = totals(connection);
    upsert.add("a", 1, 5);
    upsert.add("new", 1, 7);
    assertEquals(2, upsert.flush());
    upsert.add("a", 2, -5);
    assertEquals(1, upsert.flush());

    assertEquals(Map.of("a", "103/1000", "new", "1/7", "untouched", "1/1"), rows());
  }

  @Test
  void emptyFlushRunsNoStatement() throws SQLException {
    // The table does not exist: any statement would fail.
    DeltaUpsert upsert = DeltaUpsert.into(connection, "no_such_table", "k", "v");
    assertEquals(0, upsert.flush());
  }

  @Test
  void worksThroughAPoolProxyAndWithOneColumn() throws SQLException {
    DeltaUpsert upsert =
        DeltaUpsert.into(ProxiedConnection.wrap(connection), "totals", "user_id", "events");
    execute("ALTER TABLE totals ALTER amount SET DEFAULT 0");
    upsert.add("a", 4);
    upsert.add("a", 1);
    assertEquals(1, upsert.flush());
    assertEquals(Map.of("a", "5/0"), rows());
  }

  @Test
  void writesManyKeysInOneStatement() throws SQLException {
    DeltaUpsert upsert = totals(connection);
    for (int i = 0; i < 50_000; i++) {
      upsert.add("u" + (i % 20_000), 1, i);
    }
    assertEquals(20_000, upsert.flush());
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), sum(events), sum(amount) FROM totals")) {
      rs.next();
      assertEquals(20_000L, rs.getLong(1));
      assertEquals(50_000L, rs.getLong(2));
      assertEquals(49_999L * 50_000 / 2, rs.getLong(3));
    }
  }

  @Test
  void refusesDeltasThatDoNotMatchTheColumns() {
    DeltaUpsert upsert = totals(connection);
    assertThrows(IllegalArgumentException.class, () -> upsert.add("a", 1));
    assertThrows(IllegalArgumentException.class, () -> upsert.add("a", 1, 2, 3));
    assertThrows(NullPointerException.class, () -> upsert.add(null, 1, 2));
    assertEquals(0, upsert.pendingKeys());
  }

  @ParameterizedTest
  @ValueSource(strings = {"x; drop table totals", "1abc", "a.b.c", "a b", "totals--"})
  void rejectsUnsafeIdentifiers(String name) {
    assertThrows(
        IllegalArgumentException.class, () -> DeltaUpsert.into(connection, name, "k", "v"));
    assertThrows(
        IllegalArgumentException.class, () -> DeltaUpsert.into(connection, "t", name, "v"));
    assertThrows(
        IllegalArgumentException.class, () -> DeltaUpsert.into(connection, "t", "k", name));
  }

  @Test
  void statementQuotesNamesAndAddsOntoCurrentValues() {
    assertEquals(
        "INSERT INTO \"s\".\"t\" AS cur (\"k\", \"a\", \"b\") SELECT * FROM"
            + " unnest(?::text[], ?::bigint[], ?::bigint[]) ON CONFLICT (\"k\") DO UPDATE SET"
            + " \"a\" = cur.\"a\" + excluded.\"a\", \"b\" = cur.\"b\" + excluded.\"b\"",
        DeltaUpsert.into(connection, "s.t", "k", "a", "b").upsertSql());
  }

  @Test
  void rollbackOfTheSurroundingTransactionLeavesNothing() throws SQLException {
    DeltaUpsert upsert = totals(connection);
    upsert.add("a", 1, 1);
    upsert.flush();
    assertEquals(1, rows().size());
    connection.rollback();
    assertEquals(Map.of(), rows());
  }

  private static DeltaUpsert totals(Connection connection) {
    return DeltaUpsert.into(connection, "totals", "user_id", "events", "amount");
  }

  private Map<String, String> rows() throws SQLException {
    Map<String, String> rows = new LinkedHashMap<>();
    try (Statement s = connection.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT user_id, events, amount FROM totals ORDER BY user_id")) {
      while (rs.next()) {
        rows.put(rs.getString(1), rs.getLong(2) + "/" + rs.getLong(3));
      }
    }
    return rows;
  }

  private void execute(String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }
}
