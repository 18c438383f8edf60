package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.examples.GroundTruth;
import io.onceflow.examples.Verdict;
import io.onceflow.examples.Workload;
import io.onceflow.testkit.JobProcess;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a worker in the middle of a slow task: it abandons the task after its grace period
 * without committing any of it, releases the lease, and exits 0 within a bounded time; another
 * worker claims the task at once, long before the lease would have run out. SIGTERM during
 * start-up exits 0 as well.
 */
@ExtendWith(RealServers.class)
class GracefulShutdownIT {
  private static final long RECORDS = 6_000;
  private static final long LEASE_MS = 60_000;

  @TempDir Path dir;

  @Test
  void aWorkerStoppedMidTaskAbandonsItCleanlyAndAnotherClaimsItAtOnce(TestKafka kafka, TestDatabase db)
      throws Exception {
    Workload workload = Workload.standard().withUsers(500);
    String topic = kafka.createTopic(TestKafka.uniqueTopic("graceful"), 2);
    JobUnderTest job = WorkloadJobs.job("graceful", SlowAggJob.class, kafka, topic, db)
        .set("batch.max.records.per.partition", "1000").set("worker.threads", "1")
        .set("worker.lease.ms", String.valueOf(LEASE_MS)).set("worker.shutdown.grace.ms", "1000");
    WorkloadJobs.produce(kafka, topic, workload, 0, RECORDS);
    Path config = job.writeConfig(dir);
    try (JobProcess driver = OnceflowCommand.start("driver", "driver", config, Map.of());
        JobProcess slow = OnceflowCommand.start("slow-worker", "worker", config, Map.of("SLOW_JOB_MS", "120000"))) {
      slow.awaitOutput("SLOW-JOB-SLEEPING", Duration.ofMinutes(2));
      assertEquals(1, leasedTasks(db), "the slow worker holds one task");

      long sigterm = System.nanoTime();
      int exit = slow.terminate(Duration.ofSeconds(30));
      long stopMs = (System.nanoTime() - sigterm) / 1_000_000;
      System.out.println("GRACEFUL-STOP-MS " + stopMs);
      assertEquals(0, exit, slow.tail());
      assertTrue(slow.output().contains("Abandoned task"), slow.tail());
      assertEquals(0, leasedTasks(db), "no lease left behind");
      assertEquals(0, job.committedOffsets(), "nothing of the abandoned task committed");

      long start = System.nanoTime();
      try (JobProcess survivor = OnceflowCommand.start("survivor", "worker", config, Map.of())) {
        job.awaitCommitted(RECORDS, Duration.ofSeconds(40), () -> survivor.tail() + "\n" + driver.tail());
        long finishMs = (System.nanoTime() - start) / 1_000_000;
        System.out.println("GRACEFUL-TAKEOVER-FINISHED-MS " + finishMs);
        assertTrue(finishMs < LEASE_MS, "no wait for the abandoned lease: " + finishMs + " ms");
        assertEquals(0, survivor.terminate(Duration.ofSeconds(30)), survivor.tail());
      }
      assertEquals(0, driver.terminate(Duration.ofSeconds(30)), driver.tail());
    }
    try (Connection c = db.connect()) {
      Verdict verdict = GroundTruth.verifyAgg(c, "user_totals", RECORDS, workload);
      assertTrue(verdict.passed(), verdict.summary());
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT max(attempts) FROM onceflow.tasks")) {
        rs.next();
        assertEquals(1, rs.getInt(1), "the abandoned attempt is not counted against the task");
      }
    }
    job.assertLedger();
  }

  /**
   * SIGTERM while the engine is still starting (here: waiting for a PostgreSQL that accepts the
   * connection and never answers) is an orderly stop too: exit 0, not 143.
   */
  @Test
  void aSigtermDuringStartUpExitsZero(TestKafka kafka) throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String url = "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/silent?user=postgres";
      JobUnderTest job = WorkloadJobs.job("starting", SlowAggJob.class, kafka, "unused", url);
      Path config = job.writeConfig(dir);
      try (JobProcess starting = OnceflowCommand.start("starting", "run", config, Map.of())) {
        starting.awaitOutput("Starting local of job 'starting'", Duration.ofMinutes(1));
        Thread.sleep(500); // into the connection attempt
        assertTrue(starting.isAlive(), starting.tail());
        assertEquals(0, starting.terminate(Duration.ofSeconds(30)), starting.tail());
      }
    }
  }

  private static long leasedTasks(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT count(*) FROM onceflow.tasks WHERE lease_holder IS NOT NULL OR lease_until > now()")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
