package io.onceflow.testkit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a job's ledger against the invariants of DESIGN.md, reading only the ledger tables:
 *
 * <ul>
 *   <li><b>I1 contiguity</b>: per partition, committed tasks form one gap-free, non-overlapping
 *       sequence from {@code start_offset} to {@code offsets.until_offset}; planned tasks continue
 *       it from there; retired tasks (a halted partition's) lie outside it, each after a halt of
 *       its partition that the ledger recorded;
 *   <li><b>I2 accounting</b>: every dead letter lies in a committed range, and no committed task
 *       claims more records than its range holds;
 *   <li><b>gaps</b> ({@code source.deleted.offsets=skip}): each gap lies inside one committed task
 *       of its batch, gaps do not overlap, no dead letter lies in a gap, and a task's records and
 *       dead letters fit in what its gaps leave of its range. A gap plus its task still cover the
 *       planned range, so I1 is checked on tasks as planned;
 *   <li><b>I3 fixed plans</b>: each batch still has the task count and offset count it was
 *       planned with.
 * </ul>
 *
 * An offset reset ({@code onceflow offsets reset}, recorded in {@code onceflow.offset_resets})
 * starts a partition afresh: tasks of batches up to its {@code after_batch} are history before the
 * reset, so I1 and I3 are checked on what was planned after it.
 *
 * <p>Ledger retention ({@code ledger.retention.ms}) deletes whole committed batches, oldest first,
 * and records where it stopped: {@code onceflow.retention.through_batch} for the job, {@code
 * onceflow.retention_partitions.pruned_until} per partition. I1 is then checked from {@code
 * pruned_until} (when it was pruned after the partition's last reset) instead of {@code
 * start_offset}; a dead letter or a gap of a pruned batch lay in a committed range by construction
 * (only batches whose every task committed are pruned), so it is checked against the partition's
 * pruned prefix; and no batch or task at or below the job's watermark may be left (the pruned part
 * is a prefix).
 *
 * Whether the sink holds exactly the effects of those ranges (the rest of I2) is for the test to
 * check against ground truth computed without the engine.
 */
public final class LedgerAssertions {
  /** SQL over {@code t} (a task row): the highest batch id at the partition's last reset, or 0. */
  private static final String LAST_RESET_OF_PARTITION =
      "coalesce((SELECT max(r.after_batch) FROM onceflow.offset_resets r WHERE r.job = t.job"
          + " AND r.topic = t.topic AND r.partition = t.partition), 0)";

  /** SQL: the job's pruning watermark (every batch up to it deleted), or 0. */
  private static final String PRUNED_THROUGH =
      "coalesce((SELECT p.through_batch FROM onceflow.retention p WHERE p.job = ?), 0)";

  private LedgerAssertions() {}

  /** Throws an {@link AssertionError} listing every violation found. */
  public static void assertInvariants(Connection c, String job) throws SQLException {
    List<String> problems = new ArrayList<>();
    checkContiguity(c, job, problems);
    checkDeadLetters(c, job, problems);
    if (hasTable(c, "onceflow.gaps")) {
      checkGaps(c, job, problems);
    }
    checkPlansUnchanged(c, job, problems);
    if (hasTable(c, "onceflow.retention_partitions")) {
      checkPrunedPrefix(c, job, problems);
    }
    if (hasTable(c, "onceflow.partition_halts")) {
      checkRetiredTasks(c, job, problems);
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(
          "Ledger of job '" + job + "' breaks its invariants:\n  " + String.join("\n  ", problems));
    }
  }

  /** Asserts that nothing planned is left uncommitted. */
  public static void assertNothingPending(Connection c, String job) throws SQLException {
    long pending =
        single(c, "SELECT count(*) FROM onceflow.tasks WHERE job = ? AND state = 'planned'", job);
    if (pending != 0) {
      throw new AssertionError("Job '" + job + "' still has " + pending + " uncommitted tasks");
    }
  }

  /** Sum over partitions of committed offsets (until - start). */
  public static long committedOffsets(Connection c, String job) throws SQLException {
    return single(
        c,
        "SELECT coalesce(sum(until_offset - start_offset), 0) FROM onceflow.offsets WHERE job = ?",
        job);
  }

  /** Task rows ledger retention deleted for the job, per its watermark; 0 when none. */
  public static long prunedTasks(Connection c, String job) throws SQLException {
    if (!hasTable(c, "onceflow.retention_partitions")) {
      return 0;
    }
    return single(
        c, "SELECT coalesce(sum(tasks_pruned), 0) FROM onceflow.retention WHERE job = ?", job);
  }

  private record Task(long batch, long from, long until, String state) {}

  /**
   * Retired tasks (a halted partition's planned ranges) are outside the committed sequence, so
   * I1 skips them; each must belong to a partition whose halt the ledger recorded, and lie at or
   * after the committed offset the partition halted at.
   */
  private static void checkRetiredTasks(Connection c, String job, List<String> problems)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT t.topic, t.partition, t.batch_id, t.from_offset FROM onceflow.tasks t"
                + " WHERE t.job = ? AND t.state = 'retired' AND NOT EXISTS (SELECT 1"
                + " FROM onceflow.partition_halts h WHERE h.job = t.job AND h.topic = t.topic"
                + " AND h.partition = t.partition AND t.from_offset >= h.committed_offset)"
                + " ORDER BY 1, 2, 4 LIMIT 5")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          problems.add("retired task of " + rs.getString(1) + "-" + rs.getInt(2) + " (batch "
              + rs.getLong(3) + ", from " + rs.getLong(4) + ") has no halt of its partition recorded"
              + " at or before it");
        }
      }
    }
  }

  private static void checkContiguity(Connection c, String job, List<String> problems)
      throws SQLException {
    Map<String, long[]> offsets = new LinkedHashMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT topic, partition, start_offset, until_offset FROM onceflow.offsets WHERE job = ?")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          offsets.put(rs.getString(1) + "-" + rs.getInt(2), new long[] {rs.getLong(3), rs.getLong(4)});
        }
      }
    }
    if (hasTable(c, "onceflow.retention_partitions")) {
      // History pruned after the partition's last reset: the kept part starts where it stopped.
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT t.topic, t.partition, t.pruned_until FROM onceflow.retention_partitions t"
                  + " WHERE t.job = ? AND t.through_batch > " + LAST_RESET_OF_PARTITION)) {
        s.setString(1, job);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            String partition = rs.getString(1) + "-" + rs.getInt(2);
            long[] o = offsets.get(partition);
            long prunedUntil = rs.getLong(3);
            if (o == null) {
              problems.add("I1: pruned history of " + partition + " has no offsets row");
            } else if (prunedUntil < o[0] || prunedUntil > o[1]) {
              problems.add("I1: " + partition + " is pruned up to " + prunedUntil + ", outside its"
                  + " committed history [" + o[0] + "," + o[1] + ")");
            } else {
              o[0] = prunedUntil;
            }
          }
        }
      }
    }
    Map<String, List<Task>> tasks = new LinkedHashMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT topic, partition, batch_id, from_offset, until_offset, state FROM onceflow.tasks t"
                + " WHERE job = ? AND state <> 'retired' AND batch_id > " + LAST_RESET_OF_PARTITION
                + " ORDER BY topic, partition, from_offset")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          tasks
              .computeIfAbsent(rs.getString(1) + "-" + rs.getInt(2), k -> new ArrayList<>())
              .add(new Task(rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getString(6)));
        }
      }
    }
    for (String partition : tasks.keySet()) {
      if (!offsets.containsKey(partition)) {
        problems.add("I1: tasks of " + partition + " have no offsets row");
      }
    }
    for (Map.Entry<String, long[]> entry : offsets.entrySet()) {
      String partition = entry.getKey();
      long expected = entry.getValue()[0];
      long committedUntil = entry.getValue()[1];
      boolean planning = false;
      for (Task t : tasks.getOrDefault(partition, List.of())) {
        if (t.from() != expected) {
          problems.add("I1: " + partition + " has a " + (t.from() > expected ? "gap" : "overlap")
              + " at " + expected + ": next task (batch " + t.batch() + ") starts at " + t.from());
        }
        if (t.state().equals("committed")) {
          if (planning) {
            problems.add("I1: " + partition + " has committed task [" + t.from() + "," + t.until()
                + ") after an uncommitted one");
          }
          if (t.until() > committedUntil) {
            problems.add("I1: " + partition + " task [" + t.from() + "," + t.until()
                + ") is committed beyond the stored offset " + committedUntil);
          }
        } else {
          if (!planning && t.from() != committedUntil) {
            problems.add("I1: " + partition + " committed offset " + committedUntil
                + " is not where the first planned task starts (" + t.from() + ")");
          }
          planning = true;
        }
        expected = t.until();
      }
      if (!planning && expected != committedUntil) {
        problems.add("I1: " + partition + " committed tasks end at " + expected
            + " but the stored offset is " + committedUntil);
      }
    }
  }

  private static void checkDeadLetters(Connection c, String job, List<String> problems)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT d.topic, d.partition, d.\"offset\" FROM onceflow.dead_letters d"
                + " WHERE d.job = ? AND NOT EXISTS (SELECT 1 FROM onceflow.tasks t"
                + "  WHERE t.job = d.job AND t.topic = d.topic AND t.partition = d.partition"
                + "  AND t.state = 'committed' AND d.\"offset\" >= t.from_offset"
                + "  AND d.\"offset\" < t.until_offset)"
                + (hasTable(c, "onceflow.retention_partitions") ? " AND NOT " + IN_PRUNED_PREFIX.formatted("d", "d.\"offset\" + 1") : ""))) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          problems.add("I2: dead letter " + rs.getString(1) + "-" + rs.getInt(2) + "@"
              + rs.getLong(3) + " lies outside every committed range");
        }
      }
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT topic, partition, from_offset, until_offset FROM onceflow.tasks WHERE job = ?"
                + " AND state = 'committed'"
                + " AND coalesce(records, 0) + coalesce(dead_letters, 0) > until_offset - from_offset")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          problems.add("I2: task " + rs.getString(1) + "-" + rs.getInt(2) + "[" + rs.getLong(3)
              + "," + rs.getLong(4) + ") reports more records than its range holds");
        }
      }
    }
  }

  /**
   * SQL over a row {@code %1$s} with job, batch_id, topic and partition: its batch was pruned (so
   * it lay in a committed range) and it ends ({@code %2$s}, exclusive) within its partition's
   * pruned prefix.
   */
  private static final String IN_PRUNED_PREFIX =
      "EXISTS (SELECT 1 FROM onceflow.retention p JOIN onceflow.retention_partitions rp"
          + " ON rp.job = p.job WHERE p.job = %1$s.job AND %1$s.batch_id <= p.through_batch"
          + " AND rp.topic = %1$s.topic AND rp.partition = %1$s.partition"
          + " AND %2$s <= rp.pruned_until)";

  /**
   * Ledger retention deletes whole batches, oldest first: no batch and no task at or below the
   * job's watermark may be left, and the watermark lies below the newest batch.
   */
  private static void checkPrunedPrefix(Connection c, String job, List<String> problems)
      throws SQLException {
    long through = single(c, "SELECT " + PRUNED_THROUGH, job);
    if (through == 0) {
      return;
    }
    long batches =
        single(c, "SELECT count(*) FROM onceflow.batches WHERE job = ? AND batch_id <= " + through, job);
    long tasks =
        single(c, "SELECT count(*) FROM onceflow.tasks WHERE job = ? AND batch_id <= " + through, job);
    if (batches != 0 || tasks != 0) {
      problems.add("retention: the job is pruned through batch " + through + " but " + batches
          + " batch(es) and " + tasks + " task(s) at or below it are left");
    }
    long newest = single(c, "SELECT coalesce(max(batch_id), 0) FROM onceflow.batches WHERE job = ?", job);
    if (newest <= through) {
      problems.add("retention: the newest batch " + newest + " is not above the pruning watermark "
          + through + " (the next batch id would be reused)");
    }
  }

  /**
   * Whether the ledger has {@code table}: one created before a migration lacks what it added
   * ({@code gaps}: V2, {@code partition_halts}: V5, {@code retention_partitions}: V6).
   */
  private static boolean hasTable(Connection c, String table) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      s.setString(1, table);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static void checkGaps(Connection c, String job, List<String> problems)
      throws SQLException {
    report(
        c,
        job,
        problems,
        "SELECT 'gap ' || g.topic || '-' || g.partition || '[' || g.from_offset || ','"
            + " || g.until_offset || ') of batch ' || g.batch_id || ' lies in no committed task of"
            + " its batch' FROM onceflow.gaps g WHERE g.job = ? AND NOT EXISTS (SELECT 1 FROM"
            + " onceflow.tasks t WHERE t.job = g.job AND t.batch_id = g.batch_id AND t.topic ="
            + " g.topic AND t.partition = g.partition AND t.state = 'committed' AND g.from_offset"
            + " >= t.from_offset AND g.until_offset <= t.until_offset)"
            + (hasTable(c, "onceflow.retention_partitions") ? " AND NOT " + IN_PRUNED_PREFIX.formatted("g", "g.until_offset") : ""));
    report(
        c,
        job,
        problems,
        "SELECT 'gaps of ' || a.topic || '-' || a.partition || ' overlap at ' || b.from_offset"
            + " FROM onceflow.gaps a JOIN onceflow.gaps b ON a.job = b.job AND a.topic = b.topic"
            + " AND a.partition = b.partition AND a.from_offset < b.from_offset"
            + " AND b.from_offset < a.until_offset WHERE a.job = ?");
    report(
        c,
        job,
        problems,
        "SELECT 'dead letter ' || d.topic || '-' || d.partition || '@' || d.\"offset\""
            + " || ' lies in a gap Kafka had deleted' FROM onceflow.dead_letters d JOIN"
            + " onceflow.gaps g ON g.job = d.job AND g.topic = d.topic AND g.partition ="
            + " d.partition AND d.\"offset\" >= g.from_offset AND d.\"offset\" < g.until_offset"
            + " WHERE d.job = ?");
    report(
        c,
        job,
        problems,
        "SELECT 'task ' || t.topic || '-' || t.partition || '[' || t.from_offset || ','"
            + " || t.until_offset || ') reports more records than its gaps leave' FROM"
            + " onceflow.tasks t JOIN onceflow.gaps g ON g.job = t.job AND g.batch_id = t.batch_id"
            + " AND g.topic = t.topic AND g.partition = t.partition WHERE t.job = ?"
            + " AND t.state = 'committed' GROUP BY t.topic, t.partition, t.from_offset,"
            + " t.until_offset, t.records, t.dead_letters HAVING coalesce(t.records, 0)"
            + " + coalesce(t.dead_letters, 0) > t.until_offset - t.from_offset"
            + " - sum(g.until_offset - g.from_offset)");
  }

  /** Adds "I2: " + each first column the query (one {@code job} parameter) returns. */
  private static void report(Connection c, String job, List<String> problems, String sql)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          problems.add("I2: " + rs.getString(1));
        }
      }
    }
  }

  private static void checkPlansUnchanged(Connection c, String job, List<String> problems)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT b.batch_id, b.task_count, b.offset_count, count(t.batch_id),"
                + " coalesce(sum(t.until_offset - t.from_offset), 0)"
                + " FROM onceflow.batches b LEFT JOIN onceflow.tasks t"
                + "  ON t.job = b.job AND t.batch_id = b.batch_id"
                + " WHERE b.job = ? AND b.batch_id > coalesce((SELECT max(r.after_batch)"
                + "   FROM onceflow.offset_resets r WHERE r.job = b.job), 0)"
                + " GROUP BY b.batch_id, b.task_count, b.offset_count"
                + " HAVING b.task_count <> count(t.batch_id)"
                + "  OR b.offset_count <> coalesce(sum(t.until_offset - t.from_offset), 0)")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          problems.add("I3: batch " + rs.getLong(1) + " was planned with " + rs.getInt(2)
              + " tasks / " + rs.getLong(3) + " offsets but now has " + rs.getLong(4) + " / "
              + rs.getLong(5));
        }
      }
    }
  }

  private static long single(Connection c, String sql, String job) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
