package io.onceflow.it;

import io.onceflow.examples.Workload;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.TreeSet;

/**
 * The dead letters a run must end with: exactly the workload's malformed records, as {@code
 * partition@offset}, computed from the formula (one producer wrote records 0 … n-1 in index order
 * into a fresh topic, as {@link io.onceflow.examples.WorkloadProducer} does), never from the
 * engine.
 */
final class DeadLetterTruth {
  private DeadLetterTruth() {}

  static TreeSet<String> expected(Workload workload, long n, int partitions) {
    long[] next = new long[partitions];
    TreeSet<String> expected = new TreeSet<>();
    for (long i = 0; i < n; i++) {
      int p = workload.partitionOf(i, partitions);
      long offset = next[p]++;
      if (workload.isMalformed(i)) {
        expected.add(p + "@" + offset);
      }
    }
    return expected;
  }

  static TreeSet<String> actual(Connection c, String job) throws SQLException {
    TreeSet<String> actual = new TreeSet<>();
    try (PreparedStatement s =
        c.prepareStatement("SELECT partition, \"offset\" FROM onceflow.dead_letters WHERE job = ?")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          actual.add(rs.getInt(1) + "@" + rs.getLong(2));
        }
      }
    }
    return actual;
  }
}
