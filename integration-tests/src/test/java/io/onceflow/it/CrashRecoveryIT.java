package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.crash.CrashPoints;
import io.onceflow.examples.AggJob;
import io.onceflow.examples.GroundTruth;
import io.onceflow.examples.Verdict;
import io.onceflow.examples.Workload;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real engine processes, killed with {@code kill -9} at a known protocol step, then replaced.
 * The sink must equal ground truth computed from the workload's formula and the ledger must keep
 * I1–I3; I4 is the fact that the run finishes at all.
 *
 * <p>The doomed process is frozen at the step ({@code ONCEFLOW_CRASH_MODE=pause}) so that the
 * kill lands exactly there, with the transaction of that step still open.
 */
class CrashRecoveryIT {
  private static final long RECORDS = 16_000;
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  @TempDir Path dir;

  @ParameterizedTest(name = "worker killed at {0}")
  @ValueSource(strings = {"worker.fenced", "worker.job-written", "worker.before-commit", "worker.committed"})
  void aWorkerKilledAtAnyStepLosesAndDuplicatesNothing(String step) throws Exception {
    try (Scenario s = scenario("worker_kill_" + step.replaceAll("[^a-z]", "_"))) {
      s.set("worker.threads", "1");
      Path config = s.writeConfig(dir);
      try (EngineProcess driver = EngineProcess.start("driver", "driver", config, Map.of());
          EngineProcess doomed = EngineProcess.start("doomed-worker", "worker", config, crashAt(step, 3))) {
        doomed.awaitOutput(CrashPoints.PAUSED_MARKER + step, TIMEOUT);
        doomed.kill9();
        try (EngineProcess survivor = EngineProcess.start("survivor", "worker", config, Map.of())) {
          s.awaitCommitted(RECORDS, TIMEOUT, () -> survivor.tail() + "\n" + driver.tail());
          assertEquals(0, survivor.terminate(Duration.ofSeconds(60)), survivor.tail());
        }
        assertEquals(0, driver.terminate(Duration.ofSeconds(60)), driver.tail());
      }
      assertExactlyOnce(s);
      if (!step.equals("worker.committed")) {
        assertTrue(maxAttempts(s) >= 2, "the task the killed worker held was claimed again");
      }
    }
  }

  @ParameterizedTest(name = "driver killed at {0}")
  @ValueSource(strings = {"driver.plan-written", "driver.plan-committed", "driver.leadership-taken"})
  void aDriverKilledBetweenPlanningAndDispatchPlansNothingTwice(String step) throws Exception {
    try (Scenario s = scenario("driver_kill_" + step.replaceAll("[^a-z]", "_"))) {
      Path config = s.writeConfig(dir);
      int after = step.equals("driver.leadership-taken") ? 1 : 2;
      try (EngineProcess worker = EngineProcess.start("worker", "worker", config, Map.of());
          EngineProcess doomed = EngineProcess.start("doomed-driver", "driver", config, crashAt(step, after))) {
        doomed.awaitOutput(CrashPoints.PAUSED_MARKER + step, TIMEOUT);
        doomed.kill9();
        try (EngineProcess successor = EngineProcess.start("successor", "driver", config, Map.of())) {
          s.awaitCommitted(RECORDS, TIMEOUT, () -> successor.tail() + "\n" + worker.tail());
          assertEquals(0, successor.terminate(Duration.ofSeconds(60)), successor.tail());
        }
        assertEquals(0, worker.terminate(Duration.ofSeconds(60)), worker.tail());
      }
      assertExactlyOnce(s);
    }
  }

  private static Scenario scenario(String name) {
    Scenario s = Scenario.create(name, AggJob.class, Workload.standard().withUsers(3_000), 4);
    s.set("batch.max.records.per.partition", "1000").set("worker.lease.ms", "3000");
    s.produce(0, RECORDS);
    return s;
  }

  private static Map<String, String> crashAt(String step, int nthTime) {
    return Map.of(
        "ONCEFLOW_CRASH_AT", step,
        "ONCEFLOW_CRASH_AFTER", String.valueOf(nthTime),
        "ONCEFLOW_CRASH_MODE", "pause");
  }

  private static void assertExactlyOnce(Scenario s) throws Exception {
    try (Connection c = s.connect()) {
      Verdict verdict = GroundTruth.verifyAgg(c, "user_totals", RECORDS, s.workload);
      assertTrue(verdict.passed(), verdict.summary());
    }
    s.assertLedgerInvariants();
  }

  private static int maxAttempts(Scenario s) throws Exception {
    try (Connection c = s.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT max(attempts) FROM onceflow.tasks WHERE job = '" + s.job + "'")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
