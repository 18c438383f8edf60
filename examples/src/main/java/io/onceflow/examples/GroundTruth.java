package io.onceflow.examples;

import io.onceflow.connectors.postgres.SqlIdentifier;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * What the sink must hold after the workload's records {@code [0, n)}, computed from the {@link
 * Workload} formula alone and never from the engine, and the checks that compare a sink with it. A
 * benchmark or crash test counts only if its verification passes.
 *
 * <p>Malformed records (when the workload mixes them in) are expected as dead letters, not in the
 * sink: every check leaves them out and says how many it left out. Whether they are really in the
 * engine's dead-letter table is the ledger's business and not checked here.
 *
 * <p>{@link #verifyAppend} also assumes how the records reached Kafka: <b>one producer wrote
 * records 0 … n-1 in index order, keyed, with the default partitioner and idempotence on, into a
 * fresh topic</b> (as {@link WorkloadProducer} does). Only then is offset {@code o} of partition
 * {@code p} the {@code o}-th record of {@code p} in index order.
 */
public final class GroundTruth {

  private GroundTruth() {}

  /** Expected AGG totals of WORKLOAD.md's standard workload. */
  public static AggTotals aggTotals(long n) {
    return aggTotals(n, Workload.standard());
  }

  /** Expected AGG totals per user of {@code workload}'s first {@code n} records. */
  public static AggTotals aggTotals(long n, Workload workload) {
    requireCount(n);
    long[] events = new long[workload.users()];
    long[] amount = new long[workload.users()];
    long malformed = 0;
    for (long i = 0; i < n; i++) {
      if (workload.isMalformed(i)) {
        malformed++;
        continue;
      }
      int u = workload.userNumber(i);
      events[u]++;
      amount[u] += Workload.amount(i);
    }
    return new AggTotals(n, malformed, events, amount);
  }

  /** {@link #verifyAgg(Connection, String, long, Workload)} for the standard workload. */
  public static Verdict verifyAgg(Connection connection, String table, long n) throws SQLException {
    return verifyAgg(connection, table, n, Workload.standard());
  }

  /**
   * Checks an AGG table ({@code user_id, events, amount}) against the totals of {@code n} records:
   * every user with events present once with exact events and amount, no other user, and the events
   * summing to {@code n} minus the malformed records.
   */
  public static Verdict verifyAgg(Connection connection, String table, long n, Workload workload)
      throws SQLException {
    AggTotals expected = aggTotals(n, workload);
    Mismatches mismatches = new Mismatches();
    boolean[] seen = new boolean[workload.users()];
    long tableEvents = 0;
    String sql = "SELECT user_id, events, amount FROM " + SqlIdentifier.quoteTable(table);
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        String user = rows.getString(1);
        long events = rows.getLong(2);
        long amount = rows.getLong(3);
        tableEvents += events;
        int u = userNumber(user, workload.users());
        if (u < 0 || expected.events(u) == 0) {
          mismatches.add(
              "unexpected user " + user + " (events " + events + ", amount " + amount + ")");
        } else if (seen[u]) {
          mismatches.add("user " + user + " appears twice");
        } else {
          seen[u] = true;
          if (events != expected.events(u)) {
            mismatches.add(
                "user " + user + ": events " + events + ", expected " + expected.events(u));
          }
          if (amount != expected.amount(u)) {
            mismatches.add(
                "user " + user + ": amount " + amount + ", expected " + expected.amount(u));
          }
        }
      }
    }
    for (int u = 0; u < seen.length; u++) {
      if (!seen[u] && expected.events(u) > 0) {
        mismatches.add("missing user u" + u);
      }
    }
    if (tableEvents != expected.totalEvents()) {
      mismatches.addFirst(
          "total events "
              + tableEvents
              + " ≠ "
              + expected.totalEvents()
              + malformedNote(expected.malformed()));
    }
    return mismatches.verdict(
        expected.usersWithEvents()
            + " users, "
            + expected.totalEvents()
            + " events, sum amount "
            + expected.totalAmount()
            + ": exact match"
            + excludedNote(expected.malformed()));
  }

  /** {@link #verifyAppend(Connection, String, long, int, Workload)} for the standard workload. */
  public static Verdict verifyAppend(Connection connection, String table, long n, int partitions)
      throws SQLException {
    return verifyAppend(connection, table, n, partitions, Workload.standard());
  }

  /**
   * Checks an APPEND table ({@code partition, "offset", user_id, amount, ts}): {@code COUNT(*)}
   * equals {@code n} minus the malformed records, every {@code (partition, offset)} of a
   * well-formed record is present exactly once, no other row exists, and each row's values equal
   * the formula for the record at that position (see the class doc for the assumption).
   *
   * <p>Streams the table ordered by {@code (partition, offset)} through {@code COPY TO STDOUT}, so
   * memory stays flat at any {@code n} and the connection's transaction mode does not matter.
   */
  public static Verdict verifyAppend(
      Connection connection, String table, long n, int partitions, Workload workload)
      throws SQLException {
    requireCount(n);
    PartitionLayout layout = new PartitionLayout(workload, n, partitions);
    AppendChecker checker = new AppendChecker(layout, workload);
    String sql =
        "COPY (SELECT partition, \"offset\", user_id, amount, ts FROM "
            + SqlIdentifier.quoteTable(table)
            + " ORDER BY partition, \"offset\") TO STDOUT";
    CopyOut copy = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
    try {
      byte[] row;
      while ((row = copy.readFromCopy()) != null) {
        checker.row(new String(row, 0, row.length - 1, StandardCharsets.UTF_8));
      }
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
    return checker.finish(n, workload.malformedCount(n));
  }

  /** {@code "u123"} → 123 when it names one of the workload's users exactly, else -1. */
  static int userNumber(String user, int users) {
    if (user == null || user.length() < 2 || user.length() > 11 || user.charAt(0) != 'u') {
      return -1;
    }
    if (user.length() > 2 && user.charAt(1) == '0') {
      return -1;
    }
    long value = 0;
    for (int i = 1; i < user.length(); i++) {
      char c = user.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value < users ? (int) value : -1;
  }

  static String excludedNote(long malformed) {
    return malformed == 0
        ? ""
        : "; " + malformed + " malformed records excluded (expected as dead letters)";
  }

  private static String malformedNote(long malformed) {
    return malformed == 0 ? "" : " (n minus " + malformed + " malformed)";
  }

  private static void requireCount(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, was " + n);
    }
  }
}
