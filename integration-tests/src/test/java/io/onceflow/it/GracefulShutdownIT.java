package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.examples.GroundTruth;
import io.onceflow.examples.Verdict;
import io.onceflow.examples.Workload;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a worker in the middle of a slow task: it abandons the task after its grace period
 * without committing any of it, releases the lease, and exits 0 within a bounded time; another
 * worker claims the task at once, long before the lease would have run out.
 */
class GracefulShutdownIT {
  private static final long RECORDS = 6_000;
  private static final long LEASE_MS = 60_000;

  @TempDir Path dir;

  @Test
  void aWorkerStoppedMidTaskAbandonsItCleanlyAndAnotherClaimsItAtOnce() throws Exception {
    try (Scenario s = Scenario.create("graceful", SlowAggJob.class, Workload.standard().withUsers(500), 2)) {
      s.set("batch.max.records.per.partition", "1000").set("worker.threads", "1")
          .set("worker.lease.ms", String.valueOf(LEASE_MS)).set("worker.shutdown.grace.ms", "1000");
      s.produce(0, RECORDS);
      Path config = s.writeConfig(dir);
      try (EngineProcess driver = EngineProcess.start("driver", "driver", config, Map.of());
          EngineProcess slow = EngineProcess.start("slow-worker", "worker", config, Map.of("SLOW_JOB_MS", "120000"))) {
        slow.awaitOutput("SLOW-JOB-SLEEPING", Duration.ofMinutes(2));
        assertEquals(1, leasedTasks(s), "the slow worker holds one task");

        long sigterm = System.nanoTime();
        int exit = slow.terminate(Duration.ofSeconds(30));
        long stopMs = (System.nanoTime() - sigterm) / 1_000_000;
        System.out.println("GRACEFUL-STOP-MS " + stopMs);
        assertEquals(0, exit, slow.tail());
        assertTrue(slow.output().contains("Abandoned task"), slow.tail());
        assertEquals(0, leasedTasks(s), "no lease left behind");
        assertEquals(0, committedOffsets(s), "nothing of the abandoned task committed");

        long start = System.nanoTime();
        try (EngineProcess survivor = EngineProcess.start("survivor", "worker", config, Map.of())) {
          s.awaitCommitted(RECORDS, Duration.ofSeconds(40), () -> survivor.tail() + "\n" + driver.tail());
          long finishMs = (System.nanoTime() - start) / 1_000_000;
          System.out.println("GRACEFUL-TAKEOVER-FINISHED-MS " + finishMs);
          assertTrue(finishMs < LEASE_MS, "no wait for the abandoned lease: " + finishMs + " ms");
          assertEquals(0, survivor.terminate(Duration.ofSeconds(30)), survivor.tail());
        }
        assertEquals(0, driver.terminate(Duration.ofSeconds(30)), driver.tail());
      }
      try (Connection c = s.connect()) {
        Verdict verdict = GroundTruth.verifyAgg(c, "user_totals", RECORDS, s.workload);
        assertTrue(verdict.passed(), verdict.summary());
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SELECT max(attempts) FROM onceflow.tasks")) {
          rs.next();
          assertEquals(1, rs.getInt(1), "the abandoned attempt is not counted against the task");
        }
      }
      s.assertLedgerInvariants();
    }
  }

  private static long leasedTasks(Scenario s) throws Exception {
    try (Connection c = s.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT count(*) FROM onceflow.tasks WHERE lease_holder IS NOT NULL OR lease_until > now()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long committedOffsets(Scenario s) throws Exception {
    return s.committedOffsets();
  }
}
