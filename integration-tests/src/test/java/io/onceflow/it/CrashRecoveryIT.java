package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real engine processes, killed with {@code kill -9} at a known protocol step, then replaced.
 * The sink must equal ground truth computed from the workload's formula and the ledger must keep
 * I1–I3; I4 is the fact that the run finishes at all.
 *
 * <p>The doomed process is frozen at the step ({@link JobProcess#crashAt}) so that the kill lands
 * exactly there, with the transaction of that step still open.
 */
@ExtendWith(RealServers.class)
class CrashRecoveryIT {
  private static final long RECORDS = 16_000;
  private static final Workload WORKLOAD = Workload.standard().withUsers(3_000);
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  @TempDir Path dir;

  @ParameterizedTest(name = "worker killed at {0}")
  @ValueSource(strings = {"worker.fenced", "worker.job-written", "worker.before-commit", "worker.committed"})
  void aWorkerKilledAtAnyStepLosesAndDuplicatesNothing(String step, TestKafka kafka, TestDatabase db)
      throws Exception {
    JobUnderTest job = job("worker_kill_" + step.replaceAll("[^a-z]", "_"), kafka, db);
    job.set("worker.threads", "1");
    Path config = job.writeConfig(dir);
    try (JobProcess driver = OnceflowCommand.start("driver", "driver", config, Map.of());
        JobProcess doomed = OnceflowCommand.start("doomed-worker", "worker", config, JobProcess.crashAt(step, 3))) {
      doomed.awaitOutput(JobProcess.PAUSED_MARKER + step, TIMEOUT);
      doomed.kill9();
      try (JobProcess survivor = OnceflowCommand.start("survivor", "worker", config, Map.of())) {
        job.awaitCommitted(RECORDS, TIMEOUT, () -> survivor.tail() + "\n" + driver.tail());
        assertEquals(0, survivor.terminate(Duration.ofSeconds(60)), survivor.tail());
      }
      assertEquals(0, driver.terminate(Duration.ofSeconds(60)), driver.tail());
    }
    assertExactlyOnce(job, db);
    if (!step.equals("worker.committed")) {
      assertTrue(maxAttempts(job, db) >= 2, "the task the killed worker held was claimed again");
    }
  }

  @ParameterizedTest(name = "driver killed at {0}")
  @ValueSource(strings = {"driver.plan-written", "driver.plan-committed", "driver.leadership-taken"})
  void aDriverKilledBetweenPlanningAndDispatchPlansNothingTwice(String step, TestKafka kafka, TestDatabase db)
      throws Exception {
    JobUnderTest job = job("driver_kill_" + step.replaceAll("[^a-z]", "_"), kafka, db);
    Path config = job.writeConfig(dir);
    int after = step.equals("driver.leadership-taken") ? 1 : 2;
    try (JobProcess worker = OnceflowCommand.start("worker", "worker", config, Map.of());
        JobProcess doomed = OnceflowCommand.start("doomed-driver", "driver", config, JobProcess.crashAt(step, after))) {
      doomed.awaitOutput(JobProcess.PAUSED_MARKER + step, TIMEOUT);
      doomed.kill9();
      try (JobProcess successor = OnceflowCommand.start("successor", "driver", config, Map.of())) {
        job.awaitCommitted(RECORDS, TIMEOUT, () -> successor.tail() + "\n" + worker.tail());
        assertEquals(0, successor.terminate(Duration.ofSeconds(60)), successor.tail());
      }
      assertEquals(0, worker.terminate(Duration.ofSeconds(60)), worker.tail());
    }
    assertExactlyOnce(job, db);
  }

  private static JobUnderTest job(String name, TestKafka kafka, TestDatabase db) {
    String topic = kafka.createTopic(TestKafka.uniqueTopic(name), 4);
    JobUnderTest job = WorkloadJobs.job(name, AggJob.class, kafka, topic, db)
        .set("batch.max.records.per.partition", "1000").set("worker.lease.ms", "3000");
    WorkloadJobs.produce(kafka, topic, WORKLOAD, 0, RECORDS);
    return job;
  }

  private static void assertExactlyOnce(JobUnderTest job, TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      Verdict verdict = GroundTruth.verifyAgg(c, "user_totals", RECORDS, WORKLOAD);
      assertTrue(verdict.passed(), verdict.summary());
    }
    job.assertLedger();
  }

  private static int maxAttempts(JobUnderTest job, TestDatabase db) throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT max(attempts) FROM onceflow.tasks WHERE job = '" + job.name() + "'")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
