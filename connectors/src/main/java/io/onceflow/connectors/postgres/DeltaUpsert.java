package io.onceflow.connectors.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.postgresql.PGConnection;

/**
 * Adds per-key counters into a table: sums deltas in memory, then applies them all in one statement
 * on the task's connection.
 *
 * <pre>{@code
 * DeltaUpsert totals = DeltaUpsert.into(context.connection(), "user_totals", "user_id", "events", "amount");
 * for (...) totals.add(user, 1, amount);
 * totals.flush();
 * // INSERT INTO "user_totals" AS cur ("user_id", "events", "amount")
 * //   SELECT * FROM unnest(?::text[], ?::bigint[], ?::bigint[])
 * //   ON CONFLICT ("user_id") DO UPDATE SET "events" = cur."events" + excluded."events", …
 * }</pre>
 *
 * <p><b>Why one statement.</b> A task touches each key once however many records it holds, and the
 * whole flush is one round trip with three array parameters, not one {@code INSERT} per key.
 *
 * <p><b>Why sorted keys.</b> Workers running tasks of different partitions update overlapping keys
 * concurrently. Rows are locked in the order the statement reaches them; every flush visits keys in
 * the same (Java {@code String}) order, so two transactions never wait on each other in a cycle and
 * PostgreSQL has no deadlock to break.
 *
 * <p><b>Transaction.</b> Runs inside the caller's open transaction and never commits, rolls back or
 * closes it: the deltas commit with the task's offsets or not at all, which is what makes adding
 * (rather than overwriting) safe. A failed flush discards the pending deltas; the transaction is
 * aborted anyway and the engine re-runs the task.
 *
 * <p>The key column must have a unique constraint (the {@code ON CONFLICT} target); delta columns
 * are {@code bigint}. Confined to the thread of the task that created it.
 */
public final class DeltaUpsert {

  private final Connection connection;
  private final String table;
  private final String[] deltaColumns;
  private final String sql;
  private final Map<String, long[]> pending = new HashMap<>();
  private Utf8Deltas bytesPending;

  private DeltaUpsert(
      Connection connection, String table, String keyColumn, String[] deltaColumns) {
    this.connection = Objects.requireNonNull(connection, "connection");
    if (deltaColumns.length == 0) {
      throw new IllegalArgumentException(
          "an upsert into " + table + " needs at least one delta column");
    }
    this.table = table;
    this.deltaColumns = deltaColumns;
    this.sql =
        buildSql(
            SqlIdentifier.quoteTable(table), SqlIdentifier.quoteColumn(keyColumn), deltaColumns);
  }

  /**
   * An upsert into {@code table} keyed by a {@code text} column, adding to {@code bigint} columns.
   */
  public static DeltaUpsert into(
      Connection connection, String table, String keyColumn, String... deltaColumns) {
    return new DeltaUpsert(connection, table, keyColumn, deltaColumns.clone());
  }

  /** Adds to the single delta column; no array allocated. */
  public void add(String key, long delta) {
    requireArity(1);
    counters(key)[0] += delta;
  }

  /** Adds to two delta columns, the common "count and sum" case; no varargs array allocated. */
  public void add(String key, long delta0, long delta1) {
    requireArity(2);
    long[] c = counters(key);
    c[0] += delta0;
    c[1] += delta1;
  }

  /**
   * Adds to two delta columns for the key whose UTF-8 bytes are {@code utf8[from, to)}: the
   * allocation-free path for a job that has the key as bytes (a field of a record's value). The
   * bytes are copied; the array may be reused. Keys added as bytes and as {@code String}s are the
   * same key when they decode to the same text. Bytes that are not well-formed UTF-8 make {@link
   * #flush()} throw {@link IllegalArgumentException}: check them first if they come unvalidated.
   */
  public void add(byte[] utf8, int from, int to, long delta0, long delta1) {
    requireArity(2);
    Objects.checkFromToIndex(from, to, utf8.length);
    if (bytesPending == null) {
      bytesPending = new Utf8Deltas(deltaColumns.length);
    }
    int at = bytesPending.counters(utf8, from, to);
    long[] d = bytesPending.deltas();
    d[at] += delta0;
    d[at + 1] += delta1;
  }

  /** Adds {@code deltas}, one per delta column in declaration order. */
  public void add(String key, long... deltas) {
    requireArity(deltas.length);
    long[] c = counters(key);
    for (int i = 0; i < deltas.length; i++) {
      c[i] += deltas[i];
    }
  }

  /**
   * Distinct keys waiting for {@link #flush()}; a key added both as bytes and as a {@code String}
   * counts twice until then.
   */
  public int pendingKeys() {
    return pending.size() + (bytesPending == null ? 0 : bytesPending.size());
  }

  /**
   * Applies all pending deltas in one statement, keys sorted, and returns the number of keys
   * written (inserted or updated). Nothing pending: no statement, returns 0.
   */
  public int flush() throws SQLException {
    if (bytesPending != null && bytesPending.size() > 0) {
      try {
        bytesPending.drainInto(pending);
      } catch (RuntimeException e) {
        pending.clear();
        throw e;
      }
    }
    if (pending.isEmpty()) {
      return 0;
    }
    try {
      String[] keys = pending.keySet().toArray(new String[0]);
      Arrays.sort(keys);
      long[][] columns = new long[deltaColumns.length][keys.length];
      for (int k = 0; k < keys.length; k++) {
        long[] c = pending.get(keys[k]);
        for (int col = 0; col < c.length; col++) {
          columns[col][k] = c[col];
        }
      }
      PGConnection pg = connection.unwrap(PGConnection.class);
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        statement.setArray(1, pg.createArrayOf("text", keys));
        for (int col = 0; col < columns.length; col++) {
          statement.setArray(col + 2, pg.createArrayOf("int8", columns[col]));
        }
        int written = statement.executeUpdate();
        if (written != keys.length) {
          throw new SQLException(
              "upsert into " + table + " wrote " + written + " rows for " + keys.length + " keys");
        }
        return written;
      }
    } finally {
      pending.clear();
    }
  }

  /** The statement {@link #flush()} runs, for logs and tests. */
  public String upsertSql() {
    return sql;
  }

  private long[] counters(String key) {
    long[] c = pending.get(Objects.requireNonNull(key, "key"));
    if (c == null) {
      c = new long[deltaColumns.length];
      pending.put(key, c);
    }
    return c;
  }

  private void requireArity(int given) {
    if (given != deltaColumns.length) {
      throw new IllegalArgumentException(
          "upsert into "
              + table
              + " has "
              + deltaColumns.length
              + " delta columns, got "
              + given
              + " deltas");
    }
  }

  private static String buildSql(String table, String key, String[] deltaColumns) {
    StringBuilder columns = new StringBuilder(key);
    StringBuilder arrays = new StringBuilder("?::text[]");
    StringBuilder updates = new StringBuilder();
    for (String name : deltaColumns) {
      String column = SqlIdentifier.quoteColumn(name);
      columns.append(", ").append(column);
      arrays.append(", ?::bigint[]");
      if (updates.length() > 0) {
        updates.append(", ");
      }
      updates.append(column).append(" = cur.").append(column).append(" + excluded.").append(column);
    }
    // The alias keeps "cur.<column>" valid for schema-qualified tables.
    return "INSERT INTO "
        + table
        + " AS cur ("
        + columns
        + ") SELECT * FROM unnest("
        + arrays
        + ") ON CONFLICT ("
        + key
        + ") DO UPDATE SET "
        + updates;
  }
}
