package io.onceflow.examples;

import io.onceflow.testkit.TestDatabase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.api.OffsetRange;
import io.onceflow.api.Record;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AppendJobTest {

  private static final int PARTITIONS = 8;
  private static TestDatabase db;
  private Connection setup;
  private Connection task;
  private AppendJob job;

  @BeforeAll
  static void createDatabase() throws SQLException {
    db = TestDatabase.create();
  }

  @AfterAll
  static void dropDatabase() throws SQLException {
    db.close();
  }

  @BeforeEach
  void openJob() throws Exception {
    setup = db.connectInTransaction();
    setup.setAutoCommit(true);
    task = db.connectInTransaction();
    job = new AppendJob();
    job.open(new FakeJobSetup(setup, Map.of()));
  }

  @AfterEach
  void dropTable() throws Exception {
    job.close();
    task.rollback();
    task.close();
    try (Statement s = setup.createStatement()) {
      s.execute("DROP TABLE IF EXISTS events");
    }
    setup.close();
  }

  @Test
  void everyRecordLandsAtItsPartitionAndOffset() throws Exception {
    Workload workload = Workload.standard().withUsers(2_000);
    long n = 30_011;
    List<FakeTaskContext> tasks = runAllTasks(workload, n, 1_500);

    assertTrue(tasks.stream().allMatch(t -> t.deadLetters.isEmpty()));
    Verdict verdict = GroundTruth.verifyAppend(task, "events", n, PARTITIONS, workload);
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
    List<FakeTaskContext> tasks = runAllTasks(workload, n, 999);

    long deadLetters = tasks.stream().mapToLong(t -> t.deadLetters.size()).sum();
    assertEquals(workload.malformedCount(n), deadLetters);
    Verdict verdict = GroundTruth.verifyAppend(task, "events", n, PARTITIONS, workload);
    assertTrue(verdict.passed(), verdict.toString());
    assertTrue(
        verdict.summary().contains(deadLetters + " malformed records excluded"), verdict.summary());
    assertFalse(
        GroundTruth.verifyAppend(task, "events", n, PARTITIONS, workload.withMalformed(0, 0))
            .passed());
  }

  @Test
  void aBadValueIsDeadLetteredAndAMissingTsStoredAsNull() throws Exception {
    List<Record<byte[]>> records =
        List.of(
            record(0, "{\"user\":\"u1\",\"amount\":5,\"ts\":9}"),
            record(1, "{\"user\":\"u1\",\"amount\":"),
            record(2, "{\"user\":\"tab\\tand\\\\slash ü\",\"amount\":-6}"));
    FakeTaskContext context = new FakeTaskContext(task, new OffsetRange("t", 3, 0, 3));
    job.process(records, context);

    assertEquals(1, context.deadLetters.size());
    assertEquals(1, context.deadLetters.get(0).record().offset());
    try (Statement s = task.createStatement();
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
    job.process(WorkloadRecords.of(workload, layout, range), new FakeTaskContext(task, range));
    assertEquals(500, count());
    task.rollback();
    assertEquals(0, count());
  }

  @Test
  void verificationReportsMissingWrongDuplicateAndStrayRows() throws Exception {
    Workload workload = Workload.standard().withUsers(50);
    long n = 1_000;
    try (Statement s = setup.createStatement()) {
      // No primary key, so that a duplicate can exist for the check to find.
      s.execute(
          "CREATE TABLE loose (partition int, \"offset\" bigint, user_id text, amount bigint, ts"
              + " bigint)");
    }
    AppendJob loose = new AppendJob();
    loose.open(new FakeJobSetup(setup, Map.of("table", "loose")));
    PartitionLayout layout = new PartitionLayout(workload, n, 2);
    for (int p = 0; p < 2; p++) {
      OffsetRange range = new OffsetRange("t", p, 0, layout.count(p));
      loose.process(WorkloadRecords.of(workload, layout, range), new FakeTaskContext(task, range));
    }
    assertTrue(GroundTruth.verifyAppend(task, "loose", n, 2, workload).passed());

    try (Statement s = task.createStatement()) {
      s.execute("DELETE FROM loose WHERE partition = 0 AND \"offset\" = 5");
      s.execute("UPDATE loose SET amount = -1 WHERE partition = 1 AND \"offset\" = 7");
      s.execute("INSERT INTO loose SELECT * FROM loose WHERE partition = 1 AND \"offset\" = 9");
      s.execute("INSERT INTO loose VALUES (1, 100000, 'u1', 1, 1), (5, 0, 'u1', 1, 1)");
    }
    Verdict verdict = GroundTruth.verifyAppend(task, "loose", n, 2, workload);
    assertFalse(verdict.passed());
    String summary = verdict.summary();
    assertTrue(summary.startsWith("6 mismatches: COUNT(*) = 1002, expected 1000; "), summary);
    assertTrue(summary.contains("missing record " + layout.indexAt(0, 5) + " at 0@5"), summary);
    assertTrue(summary.contains("amount -1, expected"), summary);
    assertTrue(summary.contains("duplicate row at 1@9"), summary);
    assertTrue(summary.contains("unexpected row at 1@100000"), summary);
    assertTrue(summary.endsWith("; …"), summary); // the sixth, the row at 5@0, is counted only
    task.rollback();
    try (Statement s = setup.createStatement()) {
      s.execute("DROP TABLE loose");
    }
  }

  private List<FakeTaskContext> runAllTasks(Workload workload, long n, long cap) throws Exception {
    PartitionLayout layout = new PartitionLayout(workload, n, PARTITIONS);
    List<FakeTaskContext> tasks = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      for (long from = 0; from < layout.count(p); from += cap) {
        OffsetRange range =
            new OffsetRange("bench.events", p, from, Math.min(from + cap, layout.count(p)));
        FakeTaskContext context = new FakeTaskContext(task, range);
        job.process(WorkloadRecords.of(workload, layout, range), context);
        task.commit();
        tasks.add(context);
      }
    }
    return tasks;
  }

  private static Record<byte[]> record(long offset, String value) {
    return WorkloadRecords.record(3, offset, null, value.getBytes(StandardCharsets.UTF_8));
  }

  private long count() throws SQLException {
    try (Statement s = task.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
