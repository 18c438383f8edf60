package io.onceflow.connectors.postgres;

import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(RealServers.class)
class CopyAppenderTest {

  private static final List<String> AWKWARD =
      Arrays.asList(
          "plain",
          "tab\there",
          "line\nbreak",
          "carriage\rreturn\r\n",
          "back\\slash\\",
          "\\N",
          "\\.",
          "",
          null,
          "quote \" and comma , and 'single'",
          "\"",
          "unicode ü € 日本語 😀 \u00a0",
          "  padded  ",
          "\u007f\u0001\b\f\u000b",
          "x".repeat(10_000));

  private static TestDatabase db;
  private Connection connection;

  /** One database for the class, from the test kit's extension (dropped after the class). */
  @BeforeAll
  static void useDatabase(TestDatabase database) {
    db = database;
  }

  @BeforeEach
  void openTransaction() throws SQLException {
    connection = db.connectInTransaction();
    execute(
        "CREATE TABLE sink (id int, s text, n bigint, d double precision, b boolean, bytes bytea)");
    connection.commit();
  }

  @AfterEach
  void cleanUp() throws SQLException {
    connection.rollback();
    execute("DROP TABLE IF EXISTS sink");
    connection.commit();
    connection.close();
  }

  @ParameterizedTest
  @EnumSource(CopyFormat.class)
  void roundTripsAwkwardStrings(CopyFormat format) throws SQLException {
    CopyAppender appender = CopyAppender.to(connection, "sink", "id", "s").format(format);
    for (int i = 0; i < AWKWARD.size(); i++) {
      appender.beginRow().add(i).add(AWKWARD.get(i)).endRow();
    }
    assertEquals(AWKWARD.size(), appender.flush());

    assertEquals(AWKWARD, readStrings());
  }

  @ParameterizedTest
  @EnumSource(CopyFormat.class)
  void roundTripsOtherTypes(CopyFormat format) throws SQLException {
    byte[] bytes = {0, 1, (byte) 0xff, '\\', '\n', '\t'};
    CopyAppender appender =
        CopyAppender.to(connection, "sink", "id", "n", "d", "b", "bytes").format(format);
    appender.row(1, Long.MIN_VALUE, Double.NaN, true, bytes);
    appender.row(2, Long.MAX_VALUE, Double.NEGATIVE_INFINITY, false, new byte[0]);
    appender.row(3, 0L, 1.5e-300, null, null);
    appender.beginRow().add(4).add(-42L).add(0.1).add(true).addNull().endRow();
    appender.row((short) 5, 7, 2.5f, Boolean.FALSE, null);
    assertEquals(5, appender.flush());

    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT n, d, b, bytes FROM sink ORDER BY id")) {
      rs.next();
      assertEquals(Long.MIN_VALUE, rs.getLong(1));
      assertTrue(Double.isNaN(rs.getDouble(2)));
      assertTrue(rs.getBoolean(3));
      assertArrayEquals(bytes, rs.getBytes(4));
      rs.next();
      assertEquals(Long.MAX_VALUE, rs.getLong(1));
      assertEquals(Double.NEGATIVE_INFINITY, rs.getDouble(2));
      assertFalse(rs.getBoolean(3));
      assertArrayEquals(new byte[0], rs.getBytes(4));
      rs.next();
      assertEquals(1.5e-300, rs.getDouble(2));
      assertNull(rs.getObject(3));
      assertNull(rs.getBytes(4));
      rs.next();
      assertEquals(-42L, rs.getLong(1));
      assertEquals(0.1, rs.getDouble(2));
      rs.next();
      assertEquals(7L, rs.getLong(1));
      assertEquals(2.5, rs.getDouble(2));
    }
  }

  @Test
  void emptyFlushSendsNothing() throws SQLException {
    // The table does not exist: any statement would fail.
    CopyAppender appender = CopyAppender.to(connection, "no_such_table", "id");
    assertEquals(0, appender.flush());
    assertEquals(0, appender.flush());
  }

  @Test
  void flushCountsRowsSentEarlyWhenTheBufferFills() throws SQLException {
    CopyAppender appender = CopyAppender.to(connection, "sink", "id", "s").maxBufferBytes(100);
    for (int i = 0; i < 1000; i++) {
      appender.beginRow().add(i).add("row " + i).endRow();
      assertTrue(appender.bufferedRows() < 20);
    }
    assertEquals(1000, appender.flush());
    assertEquals(0, appender.flush());
    assertEquals(1000L, count());
  }

  @Test
  void worksThroughAPoolProxy() throws SQLException {
    CopyAppender appender = CopyAppender.to(ProxiedConnection.wrap(connection), "sink", "id");
    appender.row(1).row(2);
    assertEquals(2, appender.flush());
    assertEquals(2L, count());
  }

  @Test
  void writesIntoSchemaQualifiedTable() throws SQLException {
    execute("CREATE SCHEMA app; CREATE TABLE app.\"Mixed\" (\"offset\" bigint)");
    CopyAppender appender = CopyAppender.to(connection, "app.Mixed", "offset");
    appender.row(7L);
    assertEquals(1, appender.flush());
    assertTrue(appender.copySql().startsWith("COPY \"app\".\"Mixed\" (\"offset\")"));
  }

  @Test
  void aValueThatCannotBeEncodedFailsOnlyItsRow() throws SQLException {
    CopyAppender appender = CopyAppender.to(connection, "sink", "id", "s");
    appender.row(1, "before");
    CopyAppender.Row row = appender.beginRow().add(2);
    assertThrows(IllegalArgumentException.class, () -> row.add("nul \u0000 inside"));
    assertThrows(IllegalArgumentException.class, () -> appender.row(3, "lone \ud800 surrogate"));
    appender.row(4, "after");
    assertEquals(2, appender.flush());
    assertEquals(Arrays.asList("before", "after"), readStrings());
  }

  @Test
  void refusesRowsOfTheWrongWidth() throws SQLException {
    CopyAppender appender = CopyAppender.to(connection, "sink", "id", "s");
    assertThrows(IllegalArgumentException.class, () -> appender.row(1));
    assertThrows(IllegalArgumentException.class, () -> appender.beginRow().add(1).endRow());
    assertThrows(IllegalArgumentException.class, () -> appender.beginRow().add(1).add("a").add(2));
    assertEquals(0, appender.bufferedRows());
    appender.row(1, "a");
    assertEquals(1, appender.flush());
  }

  @Test
  void refusesToFlushInsideARow() {
    CopyAppender appender = CopyAppender.to(connection, "sink", "id");
    appender.beginRow();
    assertThrows(IllegalStateException.class, appender::flush);
    assertThrows(IllegalStateException.class, appender::beginRow);
  }

  @ParameterizedTest
  @ValueSource(strings = {"x; drop table sink", "1abc", "a.b.c", "a-b", "\"sink\"", "", "sink "})
  void rejectsUnsafeIdentifiers(String name) {
    assertThrows(IllegalArgumentException.class, () -> CopyAppender.to(connection, name, "id"));
    assertThrows(IllegalArgumentException.class, () -> CopyAppender.to(connection, "sink", name));
  }

  @Test
  void rollbackOfTheSurroundingTransactionLeavesNothing() throws SQLException {
    CopyAppender appender = CopyAppender.to(connection, "sink", "id", "s");
    for (int i = 0; i < 100; i++) {
      appender.row(i, "doomed");
    }
    assertEquals(100, appender.flush());
    assertEquals(100L, count());
    connection.rollback();
    assertEquals(0L, count());
  }

  @Test
  void failedCopyLeavesTheConnectionUsableAfterRollback() throws SQLException {
    CopyAppender appender = CopyAppender.to(connection, "sink", "id");
    appender.row("not a number");
    assertThrows(SQLException.class, appender::flush);
    assertEquals(0, appender.bufferedRows());
    connection.rollback();
    assertEquals(0L, count());
  }

  private List<String> readStrings() throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT s, convert_to(s, 'UTF8') FROM sink ORDER BY id")) {
      while (rs.next()) {
        String value = rs.getString(1);
        if (value != null) {
          assertArrayEquals(value.getBytes(StandardCharsets.UTF_8), rs.getBytes(2));
        }
        values.add(value);
      }
    }
    return values;
  }

  private long count() throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM sink")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void execute(String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }
}
