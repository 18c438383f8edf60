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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two drivers for one job as separate processes; the active one is killed with {@code kill -9}
 * while records keep arriving. The standby must take over within a bounded time, plan nothing
 * twice (the unique keys and I3) and lose nothing (ground truth).
 */
@ExtendWith(RealServers.class)
class DriverFailoverIT {
  private static final long RECORDS = 20_000;
  private static final long TAKEOVER_BOUND_MS = 15_000;
  private static final Workload WORKLOAD = Workload.standard().withUsers(2_000);

  @TempDir Path dir;

  @Test
  void theStandbyTakesOverWithinBoundsAndPlansNothingTwice(TestKafka kafka, TestDatabase db) throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic("failover"), 4);
    JobUnderTest job = WorkloadJobs.job("failover", AggJob.class, kafka, topic, db)
        .set("batch.max.records.per.partition", "1000").set("driver.standby.poll.ms", "500");
    WorkloadJobs.produce(kafka, topic, WORKLOAD, 0, RECORDS / 2);
    Path config = job.writeConfig(dir);
    try (JobProcess first = OnceflowCommand.start("driver-a", "driver", config, Map.of());
        JobProcess second = OnceflowCommand.start("driver-b", "driver", config, Map.of());
        JobProcess worker = OnceflowCommand.start("worker", "worker", config, Map.of())) {
      long leaderPid = awaitLeaderPid(job);
      JobProcess active = leaderPid == first.pid() ? first : second;
      JobProcess standby = active == first ? second : first;
      assertEquals(leaderPid, active.pid(), "the leader is one of our drivers");
      job.awaitCommitted(RECORDS / 4, Duration.ofMinutes(2), worker::tail);

      long killed = System.nanoTime();
      active.kill9();
      // "Driver driver:<pid>:… leads job": the standby's own id, not "Another driver leads job"
      standby.awaitOutput("driver:" + standby.pid() + ":", Duration.ofMillis(TAKEOVER_BOUND_MS));
      long takeoverMs = (System.nanoTime() - killed) / 1_000_000;
      System.out.println("FAILOVER-TAKEOVER-MS " + takeoverMs);
      assertTrue(takeoverMs < TAKEOVER_BOUND_MS, "takeover took " + takeoverMs + " ms");
      assertEquals(standby.pid(), awaitLeaderPid(job));

      WorkloadJobs.produce(kafka, topic, WORKLOAD, RECORDS / 2, RECORDS / 2);
      job.awaitCommitted(RECORDS, Duration.ofMinutes(2), () -> standby.tail() + "\n" + worker.tail());
      assertEquals(0, standby.terminate(Duration.ofSeconds(30)), standby.tail());
      assertEquals(0, worker.terminate(Duration.ofSeconds(30)), worker.tail());
    }
    try (Connection c = db.connect()) {
      Verdict verdict = GroundTruth.verifyAgg(c, "user_totals", RECORDS, WORKLOAD);
      assertTrue(verdict.passed(), verdict.summary());
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery(
              "SELECT count(DISTINCT epoch), count(*) FROM onceflow.batches")) {
        rs.next();
        assertEquals(2, rs.getInt(1), "batches of exactly two leader epochs");
      }
    }
    job.assertLedger();
  }

  /** The pid in {@code onceflow.jobs.leader} ({@code driver:<pid>:<random>}), once there is one. */
  private static long awaitLeaderPid(JobUnderTest job) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (System.nanoTime() < deadline) {
      try (Connection c = job.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT leader FROM onceflow.jobs WHERE job = '" + job.name() + "'")) {
        if (rs.next() && rs.getString(1) != null) {
          return Long.parseLong(rs.getString(1).split(":")[1]);
        }
      } catch (java.sql.SQLException e) {
        // the ledger is not there yet
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError("no driver became the leader");
  }
}
