package io.onceflow.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.onceflow.api.Job;
import io.onceflow.api.JobSetup;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServers.class)
class JobHarnessTest {

  /** Counts words per value; dead-letters empty values; throws on "boom". */
  public static final class WordCount implements Job<String> {
    private String table;

    @Override
    public void open(JobSetup setup) throws Exception {
      table = setup.param("table", "words");
      try (Statement s = setup.setupConnection().createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS " + table + " (word text PRIMARY KEY, n bigint)");
      }
    }

    @Override
    public void process(List<Record<String>> records, TaskContext task) throws Exception {
      try (PreparedStatement up = task.connection().prepareStatement(
          "INSERT INTO " + table + " VALUES (?, 1) ON CONFLICT (word) DO UPDATE SET n = " + table + ".n + 1")) {
        for (Record<String> r : records) {
          if (r.value().isEmpty()) {
            task.deadLetter(r, new IllegalArgumentException("empty"));
            continue;
          }
          up.setString(1, r.value());
          up.executeUpdate();
          if (r.value().equals("boom")) {
            throw new IllegalStateException("boom");
          }
        }
      }
    }
  }

  @Test
  void commitsEachTaskAndCollectsDeadLetters(TestDatabase db) throws Exception {
    try (JobHarness<String> harness = JobHarness.open(new WordCount(), db, Map.of("table", "w"))) {
      JobHarness.Result first = harness.process(TestRecords.strings("t", 0, 0, "a", "b", "", "a"));
      harness.process(TestRecords.strings("t", 0, 4, "a"));

      assertEquals(1, first.deadLetters().size());
      assertEquals(2, first.deadLetters().get(0).offset());
      assertEquals(3, harness.queryLong("SELECT n FROM w WHERE word = 'a'"));
      assertEquals(4, harness.queryLong("SELECT sum(n) FROM w"));
    }
  }

  @Test
  void rollsBackATaskWhoseJobThrows(TestDatabase db) throws Exception {
    try (JobHarness<String> harness = JobHarness.open(new WordCount(), db, Map.of())) {
      assertThrows(IllegalStateException.class,
          () -> harness.process(TestRecords.strings("t", 0, 0, "x", "boom")));
      assertEquals(0, harness.queryLong("SELECT count(*) FROM words"));
    }
  }

  @Test
  void refusesRecordsOfTwoPartitionsInOneTask(TestDatabase db) throws Exception {
    try (JobHarness<String> harness = JobHarness.open(new WordCount(), db, Map.of())) {
      List<Record<String>> mixed = new java.util.ArrayList<>(TestRecords.strings("t", 0, 0, "a"));
      mixed.addAll(TestRecords.strings("t", 1, 0, "b"));
      assertThrows(IllegalArgumentException.class, () -> harness.process(mixed));
    }
  }

  @Test
  void aRolledBackTaskLeavesNothingAndItsReplayCountsOnce(TestDatabase db) throws Exception {
    try (JobHarness<String> harness = JobHarness.open(new WordCount(), db, Map.of())) {
      List<Record<String>> records = TestRecords.strings("t", 0, 0, "a", "", "b");
      JobHarness.Result lost =
          harness.processAndRollBack(
              records, task -> assertEquals(2, count(task, "SELECT count(*) FROM words")));

      assertEquals(1, lost.deadLetters().size());
      assertEquals(0, harness.queryLong("SELECT count(*) FROM words"));
      harness.process(records);
      assertEquals(2, harness.queryLong("SELECT sum(n) FROM words"));
    }
  }

  @Test
  void aRolledBackTaskRethrowsWhatTheJobOrTheCheckThrows(TestDatabase db) throws Exception {
    try (JobHarness<String> harness = JobHarness.open(new WordCount(), db, Map.of())) {
      assertThrows(
          IllegalStateException.class,
          () -> harness.processAndRollBack(TestRecords.strings("t", 0, 0, "x", "boom")));
      AssertionError failed =
          assertThrows(
              AssertionError.class,
              () ->
                  harness.processAndRollBack(
                      TestRecords.strings("t", 0, 0, "x"), task -> fail("seen inside")));
      assertEquals("seen inside", failed.getMessage());
      assertEquals(0, harness.queryLong("SELECT count(*) FROM words"));
    }
  }

  @Test
  void twoHarnessesOnOneTableActAsTwoWorkerThreads(TestDatabase db) throws Exception {
    Map<String, String> params = Map.of("table", "shared");
    try (JobHarness<String> first = JobHarness.open(new WordCount(), db, params);
        JobHarness<String> second = JobHarness.open(new WordCount(), db, params)) {
      first.process(TestRecords.strings("t", 0, 0, "a"));
      second.process(TestRecords.strings("t", 1, 0, "a"));
      assertEquals(2, first.queryLong("SELECT n FROM shared WHERE word = 'a'"));
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
