package io.onceflow.bench;

import io.onceflow.connectors.postgres.DeltaUpsert;
import io.onceflow.examples.Workload;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * WORKLOAD.md's PostgreSQL write limits, no Kafka involved: the same rows (APPEND) or the same
 * per-task deltas (AGG) the engine writes, cut into the engine's tasks (one partition's {@code cap}
 * records each, one transaction each), from one thread on one connection.
 *
 * <p>The rows come from the {@link Workload} formula: record {@code i} goes to the partition
 * Kafka's default partitioner gives its key, at the next offset of that partition.
 */
final class RawPostgres {
  static final String APPEND_COLUMNS =
      "partition int, \"offset\" bigint, user_id text, amount bigint, ts bigint,"
          + " PRIMARY KEY (partition, \"offset\")";
  static final String AGG_COLUMNS =
      "user_id text PRIMARY KEY, events bigint NOT NULL, amount bigint NOT NULL";

  private RawPostgres() {}

  static int[] partitionOfUser(Workload workload, int partitions) {
    int[] p = new int[workload.users()];
    for (int u = 0; u < p.length; u++) {
      p[u] = Workload.partitionOfUser(u, partitions);
    }
    return p;
  }

  static void recreate(Connection c, String table, String columns) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
      s.execute("CREATE TABLE " + table + " (" + columns + ")");
    }
  }

  static void drop(String url, String table) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
    }
  }

  /**
   * COPY of the N APPEND rows in TEXT format, encoded on the fly per partition, one COPY and one
   * commit per {@code cap} rows of a partition (one engine task's worth). Returns seconds.
   */
  static double copy(String url, String table, long n, int partitions, long cap)
      throws SQLException {
    Workload w = Workload.standard();
    int[] partitionOf = partitionOfUser(w, partitions);
    try (Connection c = DriverManager.getConnection(url)) {
      recreate(c, table, APPEND_COLUMNS);
      c.setAutoCommit(false);
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      String sql = "COPY " + table + " (partition, \"offset\", user_id, amount, ts) FROM STDIN";
      Buffer[] buffers = new Buffer[partitions];
      for (int p = 0; p < partitions; p++) {
        buffers[p] = new Buffer();
      }
      long[] offsets = new long[partitions];
      long start = System.nanoTime();
      for (long i = 0; i < n; i++) {
        int u = w.userNumber(i);
        int p = partitionOf[u];
        Buffer b = buffers[p];
        b.row(p, offsets[p]++, u, Workload.amount(i), Workload.ts(i));
        if (b.rows == cap) {
          b.send(copy, sql, c);
        }
      }
      for (Buffer b : buffers) {
        b.send(copy, sql, c);
      }
      return (System.nanoTime() - start) / 1e9;
    }
  }

  /** One partition's pending rows as COPY TEXT bytes. */
  private static final class Buffer {
    private byte[] bytes = new byte[1 << 20];
    private int size;
    private long rows;

    void row(int partition, long offset, int user, long amount, long ts) {
      if (size + 128 > bytes.length) {
        bytes = Arrays.copyOf(bytes, bytes.length * 2);
      }
      size = number(partition, size);
      bytes[size++] = '\t';
      size = number(offset, size);
      bytes[size++] = '\t';
      bytes[size++] = 'u';
      size = number(user, size);
      bytes[size++] = '\t';
      size = number(amount, size);
      bytes[size++] = '\t';
      size = number(ts, size);
      bytes[size++] = '\n';
      rows++;
    }

    private int number(long v, int at) {
      int digits = 1;
      for (long x = v; x >= 10; x /= 10) {
        digits++;
      }
      for (int k = at + digits - 1; k >= at; k--) {
        bytes[k] = (byte) ('0' + v % 10);
        v /= 10;
      }
      return at + digits;
    }

    void send(CopyManager copy, String sql, Connection c) throws SQLException {
      if (rows == 0) {
        return;
      }
      var in = copy.copyIn(sql);
      in.writeToCopy(bytes, 0, size);
      long written = in.endCopy();
      if (written != rows) {
        throw new SQLException("COPY wrote " + written + " rows of " + rows);
      }
      c.commit();
      size = 0;
      rows = 0;
    }
  }

  /** One engine task's deltas, aggregated beforehand: keys sorted as DeltaUpsert sorts them. */
  record Deltas(String[] keys, long[] events, long[] amount) {}

  /**
   * The AGG deltas of records {@code [0, n)}, per task of {@code cap} records of one partition, in
   * the order the engine plans them (batch by batch, partitions in order). Computed before the
   * timing starts.
   */
  static List<Deltas> aggDeltas(long n, int partitions, long cap) {
    Workload w = Workload.standard();
    int[] partitionOf = partitionOfUser(w, partitions);
    List<List<Deltas>> perPartition = new ArrayList<>();
    List<Map<Integer, long[]>> open = new ArrayList<>();
    long[] counts = new long[partitions];
    for (int p = 0; p < partitions; p++) {
      perPartition.add(new ArrayList<>());
      open.add(new HashMap<>());
    }
    for (long i = 0; i < n; i++) {
      int u = w.userNumber(i);
      int p = partitionOf[u];
      long[] c = open.get(p).computeIfAbsent(u, k -> new long[2]);
      c[0]++;
      c[1] += Workload.amount(i);
      if (++counts[p] % cap == 0) {
        perPartition.get(p).add(toDeltas(open.get(p)));
        open.get(p).clear();
      }
    }
    for (int p = 0; p < partitions; p++) {
      if (!open.get(p).isEmpty()) {
        perPartition.get(p).add(toDeltas(open.get(p)));
      }
    }
    List<Deltas> ordered = new ArrayList<>();
    for (int batch = 0; ; batch++) {
      boolean any = false;
      for (List<Deltas> tasks : perPartition) {
        if (batch < tasks.size()) {
          ordered.add(tasks.get(batch));
          any = true;
        }
      }
      if (!any) {
        return ordered;
      }
    }
  }

  private static Deltas toDeltas(Map<Integer, long[]> totals) {
    String[] keys = new String[totals.size()];
    int k = 0;
    for (Integer u : totals.keySet()) {
      keys[k++] = "u" + u;
    }
    Arrays.sort(keys);
    long[] events = new long[keys.length];
    long[] amount = new long[keys.length];
    for (int j = 0; j < keys.length; j++) {
      long[] c = totals.get(Integer.parseInt(keys[j].substring(1)));
      events[j] = c[0];
      amount[j] = c[1];
    }
    return new Deltas(keys, events, amount);
  }

  /**
   * Applies {@code deltas} with DeltaUpsert's own statement, one statement and one commit per task.
   * Returns seconds.
   */
  static double upserts(String url, String table, List<Deltas> deltas) throws SQLException {
    try (Connection c = DriverManager.getConnection(url)) {
      recreate(c, table, AGG_COLUMNS);
      c.setAutoCommit(false);
      String sql = DeltaUpsert.into(c, table, "user_id", "events", "amount").upsertSql();
      PGConnection pg = c.unwrap(PGConnection.class);
      long start = System.nanoTime();
      try (PreparedStatement s = c.prepareStatement(sql)) {
        for (Deltas d : deltas) {
          s.setArray(1, pg.createArrayOf("text", d.keys()));
          s.setArray(2, pg.createArrayOf("int8", d.events()));
          s.setArray(3, pg.createArrayOf("int8", d.amount()));
          s.executeUpdate();
          c.commit();
        }
      }
      return (System.nanoTime() - start) / 1e9;
    }
  }

  static long keys(List<Deltas> deltas) {
    long k = 0;
    for (Deltas d : deltas) {
      k += d.keys().length;
    }
    return k;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
