package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.crash.CrashPoints;
import io.onceflow.examples.AggJob;
import io.onceflow.examples.GroundTruth;
import io.onceflow.examples.Verdict;
import io.onceflow.examples.Workload;
import io.onceflow.testkit.JobProcess;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker frozen with SIGSTOP past its lease while it holds a task, then thawed with SIGCONT
 * after another worker committed that task: the zombie's attempt must end in a rollback, never a
 * second commit (DESIGN §3: the fence, and the session timeout that frees the fence row).
 */
@ExtendWith(RealServers.class)
class ZombieWorkerIT {
  private static final long RECORDS = 8_000;
  private static final long LEASE_MS = 2_000;
  private static final Workload WORKLOAD = Workload.standard().withUsers(1_000);

  @TempDir Path dir;

  @Test
  void aZombieFrozenBeforeItsTransactionFindsItsRangeCommittedAndBacksOff(TestKafka kafka, TestDatabase db)
      throws Exception {
    String out = runZombie("zombie_before_tx", "worker.records-read", kafka, db);
    assertTrue(out.contains("was already committed by another attempt"), out);
  }

  @Test
  void aZombieFrozenInsideItsTransactionLosesItsSessionAndCommitsNothing(TestKafka kafka, TestDatabase db)
      throws Exception {
    String out = runZombie("zombie_in_tx", "worker.fenced", kafka, db);
    assertTrue(out.contains("retriable error"), out);
  }

  /** Returns the zombie's output. */
  private String runZombie(String name, String step, TestKafka kafka, TestDatabase db) throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic(name), 2);
    JobUnderTest job = WorkloadJobs.job(name, AggJob.class, kafka, topic, db)
        .set("batch.max.records.per.partition", "1000")
        .set("worker.threads", "1")
        .set("worker.lease.ms", String.valueOf(LEASE_MS));
    WorkloadJobs.produce(kafka, topic, WORKLOAD, 0, RECORDS);
    Path config = job.writeConfig(dir);
    // stall, not pause: the stalled thread goes on by itself once the process is thawed
    Map<String, String> stall =
        Map.of(
            "ONCEFLOW_CRASH_AT", step,
            "ONCEFLOW_CRASH_AFTER", "2",
            "ONCEFLOW_CRASH_MODE", "stall",
            "ONCEFLOW_CRASH_STALL_MS", "1500");
    try (JobProcess driver = OnceflowCommand.start("driver", "driver", config, Map.of());
        JobProcess zombie = OnceflowCommand.start("zombie", "worker", config, stall)) {
      zombie.awaitOutput(CrashPoints.STALLED_MARKER + step, Duration.ofMinutes(2));
      zombie.signal("STOP"); // the whole process, lease keeper included
      try (JobProcess survivor = OnceflowCommand.start("survivor", "worker", config, Map.of())) {
        job.awaitCommitted(RECORDS, Duration.ofMinutes(3), () -> survivor.tail() + "\n" + driver.tail());
        zombie.signal("CONT");
        zombie.awaitOutput(CrashPoints.RESUMED_MARKER + step, Duration.ofSeconds(30));
        TimeUnit.MILLISECONDS.sleep(3 * LEASE_MS); // let the zombie try its stale attempt
        assertEquals(0, survivor.terminate(Duration.ofSeconds(60)), survivor.tail());
      }
      assertEquals(0, zombie.terminate(Duration.ofSeconds(60)), zombie.tail());
      assertEquals(0, driver.terminate(Duration.ofSeconds(60)), driver.tail());
      try (Connection c = db.connect()) {
        Verdict verdict = GroundTruth.verifyAgg(c, "user_totals", RECORDS, WORKLOAD);
        assertTrue(verdict.passed(), verdict.summary());
      }
      job.assertLedger();
      return zombie.output();
    }
  }
}
