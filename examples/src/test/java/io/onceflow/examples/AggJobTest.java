package io.onceflow.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.api.ConfigException;
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

/** AggJob's SQL on a fresh database per test, run by the test kit's {@link JobHarness}. */
@ExtendWith(RealServers.class)
class AggJobTest {

  private static final int PARTITIONS = 4;
  private TestDatabase db;
  private JobHarness<byte[]> harness;

  @BeforeEach
  void openJob(TestDatabase database) throws Exception {
    db = database;
    harness = JobHarness.open(new AggJob(), db, Map.of());
  }

  @AfterEach
  void closeJob() throws Exception {
    harness.close();
  }

  @Test
  void totalsOfAllTasksMatchTheGroundTruth() throws Exception {
    Workload workload = Workload.standard().withUsers(1_000);
    long n = 12_345;
    List<JobHarness.Result> tasks = runAllTasks(workload, n, 1_000);

    assertTrue(tasks.stream().allMatch(t -> t.deadLetters().isEmpty()));
    Verdict verdict = verify(n, workload);
    assertTrue(verdict.passed(), verdict.toString());
    assertEquals(
        "1000 users, 12345 events, sum amount "
            + GroundTruth.aggTotals(n, workload).totalAmount()
            + ": exact match",
        verdict.summary());
  }

  @Test
  void malformedRecordsBecomeDeadLettersAndTheRestCounts() throws Exception {
    Workload workload = Workload.standard().withUsers(500).withMalformed(0.02, 11);
    long n = 5_000;
    List<JobHarness.Result> tasks = runAllTasks(workload, n, 700);

    List<Throwable> reasons = new ArrayList<>();
    tasks.forEach(t -> reasons.addAll(t.reasons()));
    assertEquals(workload.malformedCount(n), reasons.size());
    assertTrue(reasons.size() > 50);
    for (Throwable reason : reasons) {
      assertInstanceOf(InvalidEventException.class, reason);
    }
    Verdict verdict = verify(n, workload);
    assertTrue(verdict.passed(), verdict.toString());
    assertTrue(
        verdict
            .summary()
            .endsWith(reasons.size() + " malformed records excluded (expected as dead letters)"));
  }

  @Test
  void eachKindOfBadValueIsDeadLetteredWithoutStoppingTheTask() throws Exception {
    String[] bad = {
      "not json",
      "{\"user\":\"u1\"}",
      "{\"amount\":5}",
      "{\"user\":1,\"amount\":5}",
      "{\"user\":\"u1\",\"amount\":\"5\"}",
      "{\"user\":\"u1\",\"amount\":5.5}",
      "{\"user\":\"u1\",\"amount\":99999999999999999999}",
      "{\"user\":\"u1\",\"amount\":5} trailing",
      "{\"user\":\"u1\",\"amount\":5,\"pad\":\"xx",
      "[\"u1\",5]",
      "{\"user\":\"a\\u0000b\",\"amount\":5}",
      "{\"user\":\"\\ud800\",\"amount\":5}",
      "",
    };
    List<Record<byte[]>> records = new ArrayList<>();
    records.add(record(0, "{\"user\":\"u1\",\"amount\":5}"));
    for (String value : bad) {
      records.add(record(records.size(), value));
    }
    records.add(WorkloadRecords.record(0, records.size(), null, null));
    records.add(
        record(records.size(), "{\"ts\":1,\"user\":\"u1\",\"extra\":{\"a\":[1,2]},\"amount\":7}"));

    JobHarness.Result task = harness.process(records);

    assertEquals(bad.length + 1, task.deadLetters().size());
    for (int k = 0; k < task.deadLetters().size(); k++) {
      assertEquals(k + 1, task.deadLetters().get(k).offset());
    }
    assertEquals(List.of("u1/2/12"), rows());
  }

  @Test
  void replayingARolledBackTaskCountsItOnce() throws Exception {
    Workload workload = Workload.standard().withUsers(100);
    PartitionLayout layout = new PartitionLayout(workload, 1_000, 1);
    OffsetRange range = new OffsetRange("t", 0, 0, 1_000);
    harness.processAndRollBack(
        WorkloadRecords.of(workload, layout, range), task -> assertFalse(rows(task).isEmpty()));
    assertEquals(List.of(), rows());

    harness.process(WorkloadRecords.of(workload, layout, range));
    assertTrue(verify(1_000, workload).passed());
  }

  @Test
  void verificationReportsWrongMissingAndUnexpectedUsers() throws Exception {
    Workload workload = Workload.standard().withUsers(10);
    runAllTasks(workload, 100, 100);
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute("UPDATE user_totals SET amount = amount + 1 WHERE user_id = 'u3'");
      s.execute("DELETE FROM user_totals WHERE user_id = 'u7'");
      s.execute("INSERT INTO user_totals VALUES ('u10', 1, 1), ('u07', 1, 1)");
    }
    Verdict verdict = verify(100, workload);

    assertFalse(verdict.passed());
    String summary = verdict.summary();
    assertTrue(summary.contains("user u3: amount"), summary);
    assertTrue(summary.contains("missing user u7"), summary);
    assertTrue(summary.contains("unexpected user u10"), summary);
    assertTrue(summary.contains("unexpected user u07"), summary);
    String fewer = verify(99, workload).summary();
    assertTrue(fewer.startsWith("7 mismatches: total events 92 ≠ 99; "), fewer);
  }

  @Test
  void opensOnAConfiguredTableAndRefusesAnUnsafeName() throws Exception {
    Map<String, String> params = Map.of("table", "totals_b");
    try (JobHarness<byte[]> first = JobHarness.open(new AggJob(), db, params);
        // a second worker thread opens on the table the first created
        JobHarness<byte[]> second = JobHarness.open(new AggJob(), db, params)) {
      first.process(List.of(record(0, "{\"user\":\"u1\",\"amount\":5}")));
      second.process(List.of(record(1, "{\"user\":\"u1\",\"amount\":5}")));
      assertEquals(2, first.queryLong("SELECT events FROM totals_b"));
    }

    ConfigException refused =
        assertThrows(
            ConfigException.class,
            () -> JobHarness.open(new AggJob(), db, Map.of("table", "x; drop table y")));
    assertTrue(refused.getMessage().contains("job.param.table"));
  }

  /** Runs the tasks an engine would plan: each partition cut into ranges of at most {@code cap}. */
  private List<JobHarness.Result> runAllTasks(Workload workload, long n, long cap)
      throws Exception {
    PartitionLayout layout = new PartitionLayout(workload, n, PARTITIONS);
    List<JobHarness.Result> tasks = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      for (long from = 0; from < layout.count(p); from += cap) {
        OffsetRange range =
            new OffsetRange(WorkloadRecords.TOPIC, p, from, Math.min(from + cap, layout.count(p)));
        tasks.add(harness.process(WorkloadRecords.of(workload, layout, range)));
      }
    }
    return tasks;
  }

  private Verdict verify(long n, Workload workload) throws SQLException {
    try (Connection c = db.connect()) {
      return GroundTruth.verifyAgg(c, AggJob.DEFAULT_TABLE, n, workload);
    }
  }

  private static Record<byte[]> record(long offset, String value) {
    return WorkloadRecords.record(0, offset, null, value.getBytes(StandardCharsets.UTF_8));
  }

  private List<String> rows() throws SQLException {
    try (Connection c = db.connect()) {
      return rows(c);
    }
  }

  private static List<String> rows(Connection c) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT user_id, events, amount FROM user_totals ORDER BY 1")) {
      while (rs.next()) {
        rows.add(rs.getString(1) + "/" + rs.getLong(2) + "/" + rs.getLong(3));
      }
    }
    return rows;
  }
}
