package io.onceflow.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.api.OffsetRange;
import io.onceflow.api.Record;
import io.onceflow.testkit.JobHarness;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** AppendJob's SQL on a fresh database per test, run by the test kit's {@link JobHarness}. */
@ExtendWith(RealServers.class)
class AppendJobTest {

  private static final int PARTITIONS = 8;
  private static final String COUNT = "SELECT count(*) FROM events";
  private TestDatabase db;
  private JobHarness<byte[]> harness;

  @BeforeEach
  void openJob(TestDatabase database) throws Exception {
    db = database;
    harness = JobHarness.open(new AppendJob(), db, Map.of());
  }

  @AfterEach
  void closeJob() throws Exception {
    harness.close();
  }

  @Test
  void everyRecordLandsAtItsPartitionAndOffset() throws Exception {
    Workload workload = Workload.standard().withUsers(2_000);
    long n = 30_011;
    List<JobHarness.Result> tasks = runAllTasks(harness, workload, n, PARTITIONS, 1_500);

    assertTrue(tasks.stream().allMatch(t -> t.deadLetters().isEmpty()));
    Verdict verdict = verify("events", n, PARTITIONS, workload);
    assertTrue(verdict.passed(), verdict.toString());
    assertEquals(
        "30011 rows over 8 partitions, every (partition, offset) once with the formula's values:"
            + " exact match",
        verdict.summary());
  }

  @Test
  void malformedRecordsBecomeDeadLettersAndLeaveGaps() throws Exception {
    Workload workload = Workload.standard().withUsers(300).withMalformed(0.01, 3);
    long n = 10_000;
    List<JobHarness.Result> tasks = runAllTasks(harness, workload, n, PARTITIONS, 999);

    long deadLetters = tasks.stream().mapToLong(t -> t.deadLetters().size()).sum();
    assertEquals(workload.malformedCount(n), deadLetters);
    Verdict verdict = verify("events", n, PARTITIONS, workload);
    assertTrue(verdict.passed(), verdict.toString());
    assertTrue(
        verdict.summary().contains(deadLetters + " malformed records excluded"), verdict.summary());
    assertFalse(verify("events", n, PARTITIONS, workload.withMalformed(0, 0)).passed());
  }

  @Test
  void aBadValueIsDeadLetteredAndAMissingTsStoredAsNull() throws Exception {
    List<Record<byte[]>> records =
        List.of(
            record(0, "{\"user\":\"u1\",\"amount\":5,\"ts\":9}"),
            record(1, "{\"user\":\"u1\",\"amount\":"),
            record(2, "{\"user\":\"tab\\tand\\\\slash ü\",\"amount\":-6}"));
    JobHarness.Result task = harness.process(records);

    assertEquals(1, task.deadLetters().size());
    assertEquals(1, task.deadLetters().get(0).offset());
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT partition, \"offset\", user_id, amount, ts FROM events ORDER BY 2")) {
      assertTrue(rs.next());
      assertEquals(
          "3/0/u1/5/9",
          rs.getInt(1)
              + "/"
              + rs.getLong(2)
              + "/"
              + rs.getString(3)
              + "/"
              + rs.getLong(4)
              + "/"
              + rs.getLong(5));
      assertTrue(rs.next());
      assertEquals("tab\tand\\slash ü", rs.getString(3));
      assertEquals(-6, rs.getLong(4));
      assertNull(rs.getObject(5));
      assertFalse(rs.next());
    }
  }

  @Test
  void rollbackOfTheTaskLeavesNoRows() throws Exception {
    Workload workload = Workload.standard().withUsers(100);
    PartitionLayout layout = new PartitionLayout(workload, 500, 1);
    OffsetRange range = new OffsetRange("t", 0, 0, 500);
    harness.processAndRollBack(
        WorkloadRecords.of(workload, layout, range), task -> assertEquals(500, count(task)));
    assertEquals(0, harness.queryLong(COUNT));
  }

  @Test
  void verificationReportsMissingWrongDuplicateAndStrayRows() throws Exception {
    Workload workload = Workload.standard().withUsers(50);
    long n = 1_000;
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      // No primary key, so that a duplicate can exist for the check to find.
      s.execute(
          "CREATE TABLE loose (partition int, \"offset\" bigint, user_id text, amount bigint, ts"
              + " bigint)");
    }
    try (JobHarness<byte[]> loose =
        JobHarness.open(new AppendJob(), db, Map.of("table", "loose"))) {
      runAllTasks(loose, workload, n, 2, n); // one task a partition
    }
    assertTrue(verify("loose", n, 2, workload).passed());

    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute("DELETE FROM loose WHERE partition = 0 AND \"offset\" = 5");
      s.execute("UPDATE loose SET amount = -1 WHERE partition = 1 AND \"offset\" = 7");
      s.execute("INSERT INTO loose SELECT * FROM loose WHERE partition = 1 AND \"offset\" = 9");
      s.execute("INSERT INTO loose VALUES (1, 100000, 'u1', 1, 1), (5, 0, 'u1', 1, 1)");
    }
    Verdict verdict = verify("loose", n, 2, workload);
    assertFalse(verdict.passed());
    String summary = verdict.summary();
    assertTrue(summary.startsWith("6 mismatches: COUNT(*) = 1002, expected 1000; "), summary);
    PartitionLayout layout = new PartitionLayout(workload, n, 2);
    assertTrue(summary.contains("missing record " + layout.indexAt(0, 5) + " at 0@5"), summary);
    assertTrue(summary.contains("amount -1, expected"), summary);
    assertTrue(summary.contains("duplicate row at 1@9"), summary);
    assertTrue(summary.contains("unexpected row at 1@100000"), summary);
    assertTrue(summary.endsWith("; …"), summary); // the sixth, the row at 5@0, is counted only
  }

  /**
   * Runs the tasks an engine would plan on {@code partitions} partitions: each cut into ranges of
   * at most {@code cap}.
   */
  private static List<JobHarness.Result> runAllTasks(
      JobHarness<byte[]> job, Workload workload, long n, int partitions, long cap)
      throws Exception {
    PartitionLayout layout = new PartitionLayout(workload, n, partitions);
    List<JobHarness.Result> tasks = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      for (long from = 0; from < layout.count(p); from += cap) {
        OffsetRange range =
            new OffsetRange(WorkloadRecords.TOPIC, p, from, Math.min(from + cap, layout.count(p)));
        tasks.add(job.process(WorkloadRecords.of(workload, layout, range)));
      }
    }
    return tasks;
  }

  private Verdict verify(String table, long n, int partitions, Workload workload)
      throws SQLException {
    try (Connection c = db.connect()) {
      return GroundTruth.verifyAppend(c, table, n, partitions, workload);
    }
  }

  private static Record<byte[]> record(long offset, String value) {
    return WorkloadRecords.record(3, offset, null, value.getBytes(StandardCharsets.UTF_8));
  }

  private static long count(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(COUNT)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
