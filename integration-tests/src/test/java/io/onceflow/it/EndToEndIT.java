package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.examples.AggJob;
import io.onceflow.examples.AppendJob;
import io.onceflow.examples.GroundTruth;
import io.onceflow.examples.Verdict;
import io.onceflow.examples.Workload;
import io.onceflow.runtime.Engine;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The two jobs of WORKLOAD.md end to end on a real broker and a real database. */
class EndToEndIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  @Test
  void aggregatesEveryRecordExactlyOnce() throws Exception {
    long n = 60_000;
    try (Scenario s = Scenario.create("agg_e2e", AggJob.class, Workload.standard().withUsers(5_000), 8)) {
      s.set("job.param.table", "user_totals");
      s.produce(0, n);
      try (Engine engine = Engine.start(s.config(), Engine.Role.LOCAL)) {
        s.awaitCommitted(n, TIMEOUT, () -> engine.failure().map(Throwable::toString).orElse(""));
      }
      try (Connection c = s.connect()) {
        Verdict verdict = GroundTruth.verifyAgg(c, "user_totals", n, s.workload);
        assertTrue(verdict.passed(), verdict.summary());
      }
      s.assertLedgerInvariants();
    }
  }

  @Test
  void appendsEveryRecordOnceAtItsOwnPartitionAndOffset() throws Exception {
    long n = 40_000;
    try (Scenario s = Scenario.create("append_e2e", AppendJob.class, Workload.standard(), 8)) {
      s.set("job.param.table", "events").set("batch.max.in.flight", "3");
      s.produce(0, n);
      try (Engine engine = Engine.start(s.config(), Engine.Role.LOCAL)) {
        s.awaitCommitted(n, TIMEOUT, () -> engine.failure().map(Throwable::toString).orElse(""));
      }
      try (Connection c = s.connect()) {
        Verdict verdict = GroundTruth.verifyAppend(c, "events", n, 8, s.workload);
        assertTrue(verdict.passed(), verdict.summary());
      }
      s.assertLedgerInvariants();
    }
  }

  @Test
  void picksUpRecordsProducedWhileTheJobRuns() throws Exception {
    long first = 10_000;
    long second = 15_000;
    try (Scenario s = Scenario.create("agg_live", AggJob.class, Workload.standard().withUsers(2_000), 4)) {
      s.produce(0, first);
      try (Engine engine = Engine.start(s.config(), Engine.Role.LOCAL)) {
        s.awaitCommitted(first, TIMEOUT, () -> "");
        s.produce(first, second);
        s.awaitCommitted(first + second, TIMEOUT, () -> engine.failure().map(Throwable::toString).orElse(""));
      }
      try (Connection c = s.connect()) {
        Verdict verdict = GroundTruth.verifyAgg(c, "user_totals", first + second, s.workload);
        assertTrue(verdict.passed(), verdict.summary());
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SELECT count(*) FROM onceflow.batches WHERE job = 'agg_live'")) {
          rs.next();
          assertTrue(rs.getLong(1) >= 2, "records produced later arrive in later batches");
        }
      }
      s.assertLedgerInvariants();
    }
  }

  @Test
  void aSingleRecordIsOneTaskOfOneOffset() throws Exception {
    try (Scenario s = Scenario.create("one_record", AppendJob.class, Workload.standard(), 3)) {
      s.produce(0, 1);
      try (Engine engine = Engine.start(s.config(), Engine.Role.LOCAL)) {
        s.awaitCommitted(1, TIMEOUT, () -> "");
      }
      try (Connection c = s.connect();
          Statement st = c.createStatement()) {
        Verdict verdict = GroundTruth.verifyAppend(c, "events", 1, 3, s.workload);
        assertTrue(verdict.passed(), verdict.summary());
        try (ResultSet rs = st.executeQuery(
            "SELECT count(*), min(until_offset - from_offset), max(until_offset - from_offset)"
                + " FROM onceflow.tasks WHERE job = 'one_record'")) {
          rs.next();
          assertEquals(1, rs.getLong(1), "one task: empty partitions get no task");
          assertEquals(1, rs.getLong(2));
          assertEquals(1, rs.getLong(3));
        }
      }
      s.assertLedgerInvariants();
    }
  }
}
