package io.onceflow.examples;

import io.onceflow.testkit.TestDatabase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.api.ConfigException;
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

class AggJobTest {

  private static final int PARTITIONS = 4;
  private static TestDatabase db;
  private Connection setup;
  private Connection task;
  private AggJob job;

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
    job = new AggJob();
    job.open(new FakeJobSetup(setup, Map.of()));
  }

  @AfterEach
  void dropTable() throws Exception {
    job.close();
    task.rollback();
    task.close();
    try (Statement s = setup.createStatement()) {
      s.execute("DROP TABLE IF EXISTS user_totals");
    }
    setup.close();
  }

  @Test
  void totalsOfAllTasksMatchTheGroundTruth() throws Exception {
    Workload workload = Workload.standard().withUsers(1_000);
    long n = 12_345;
    List<FakeTaskContext> tasks = runAllTasks(workload, n, 1_000);

    assertTrue(tasks.stream().allMatch(t -> t.deadLetters.isEmpty()));
    Verdict verdict = GroundTruth.verifyAgg(task, "user_totals", n, workload);
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
    List<FakeTaskContext> tasks = runAllTasks(workload, n, 700);

    List<FakeTaskContext.DeadLetter> deadLetters = new ArrayList<>();
    tasks.forEach(t -> deadLetters.addAll(t.deadLetters));
    assertEquals(workload.malformedCount(n), deadLetters.size());
    assertTrue(deadLetters.size() > 50);
    for (FakeTaskContext.DeadLetter dead : deadLetters) {
      assertInstanceOf(InvalidEventException.class, dead.reason());
    }
    Verdict verdict = GroundTruth.verifyAgg(task, "user_totals", n, workload);
    assertTrue(verdict.passed(), verdict.toString());
    assertTrue(
        verdict
            .summary()
            .endsWith(
                deadLetters.size() + " malformed records excluded (expected as dead letters)"));
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

    FakeTaskContext context = new FakeTaskContext(task, new OffsetRange("t", 0, 0, records.size()));
    job.process(records, context);

    assertEquals(bad.length + 1, context.deadLetters.size());
    for (int k = 0; k < context.deadLetters.size(); k++) {
      assertEquals(k + 1, context.deadLetters.get(k).record().offset());
    }
    assertEquals(List.of("u1/2/12"), rows());
  }

  @Test
  void replayingARolledBackTaskCountsItOnce() throws Exception {
    Workload workload = Workload.standard().withUsers(100);
    PartitionLayout layout = new PartitionLayout(workload, 1_000, 1);
    OffsetRange range = new OffsetRange("t", 0, 0, 1_000);
    job.process(WorkloadRecords.of(workload, layout, range), new FakeTaskContext(task, range));
    assertFalse(rows().isEmpty());
    task.rollback();
    assertEquals(List.of(), rows());

    job.process(WorkloadRecords.of(workload, layout, range), new FakeTaskContext(task, range));
    task.commit();
    assertTrue(GroundTruth.verifyAgg(task, "user_totals", 1_000, workload).passed());
  }

  @Test
  void verificationReportsWrongMissingAndUnexpectedUsers() throws Exception {
    Workload workload = Workload.standard().withUsers(10);
    runAllTasks(workload, 100, 100);
    try (Statement s = task.createStatement()) {
      s.execute("UPDATE user_totals SET amount = amount + 1 WHERE user_id = 'u3'");
      s.execute("DELETE FROM user_totals WHERE user_id = 'u7'");
      s.execute("INSERT INTO user_totals VALUES ('u10', 1, 1), ('u07', 1, 1)");
    }
    Verdict verdict = GroundTruth.verifyAgg(task, "user_totals", 100, workload);

    assertFalse(verdict.passed());
    String summary = verdict.summary();
    assertTrue(summary.contains("user u3: amount"), summary);
    assertTrue(summary.contains("missing user u7"), summary);
    assertTrue(summary.contains("unexpected user u10"), summary);
    assertTrue(summary.contains("unexpected user u07"), summary);
    String fewer = GroundTruth.verifyAgg(task, "user_totals", 99, workload).summary();
    assertTrue(fewer.startsWith("7 mismatches: total events 92 ≠ 99; "), fewer);
  }

  @Test
  void opensOnAConfiguredTableAndRefusesAnUnsafeName() throws Exception {
    AggJob other = new AggJob();
    other.open(new FakeJobSetup(setup, Map.of("table", "totals_b")));
    other.open(new FakeJobSetup(setup, Map.of("table", "totals_b"))); // a second worker thread
    Record<byte[]> one = record(0, "{\"user\":\"u1\",\"amount\":5}");
    other.process(List.of(one), new FakeTaskContext(task, new OffsetRange("t", 0, 0, 1)));
    try (Statement s = task.createStatement();
        ResultSet rs = s.executeQuery("SELECT events FROM totals_b")) {
      assertTrue(rs.next());
    }
    task.rollback();
    try (Statement s = setup.createStatement()) {
      s.execute("DROP TABLE totals_b");
    }

    ConfigException refused =
        assertThrows(
            ConfigException.class,
            () -> new AggJob().open(new FakeJobSetup(setup, Map.of("table", "x; drop table y"))));
    assertTrue(refused.getMessage().contains("job.param.table"));
  }

  /** Runs the tasks an engine would plan: each partition cut into ranges of at most {@code cap}. */
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
    return WorkloadRecords.record(0, offset, null, value.getBytes(StandardCharsets.UTF_8));
  }

  private List<String> rows() throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement s = task.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT user_id, events, amount FROM user_totals ORDER BY 1")) {
      while (rs.next()) {
        rows.add(rs.getString(1) + "/" + rs.getLong(2) + "/" + rs.getLong(3));
      }
    }
    return rows;
  }
}
