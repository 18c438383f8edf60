package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.onceflow.examples.GroundTruth;
import io.onceflow.examples.Verdict;
import io.onceflow.examples.Workload;
import io.onceflow.runtime.Engine;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lease keeper renews on a connection of its own: with every connection of the main pool
 * held (by task threads, the driver, HTTP requests: here by the test), a long task's lease is
 * still renewed and never runs out, so no other worker could take its partition.
 */
@ExtendWith(RealServers.class)
class LeaseKeeperIT {
  private static final long RECORDS = 2_000;
  private static final long LEASE_MS = 3_000;

  @Test
  void leasesAreRenewedWhileTheMainPoolIsExhausted(TestKafka kafka, TestDatabase db) throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic("lease_keeper"), 1);
    JobUnderTest job = WorkloadJobs.job("lease_keeper", SlowAggJob.class, kafka, topic, db)
        .set("batch.max.records.per.partition", "1000")
        .set("worker.threads", "1")
        .set("postgres.pool.size", "3")
        .set("worker.lease.ms", String.valueOf(LEASE_MS))
        .set("job.param.busy.first.task.ms", "12000");
    WorkloadJobs.produce(kafka, topic, Workload.standard(), 0, RECORDS);
    List<Connection> held = new ArrayList<>();
    try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL);
        Connection observer = db.connect()) {
      awaitBusyTask(observer);
      HikariDataSource pool = (HikariDataSource) engine.database().dataSource();
      while (pool.getHikariPoolMXBean().getActiveConnections() < pool.getMaximumPoolSize()) {
        held.add(pool.getConnection());
      }
      // Three leases long, sampled every 200 ms: the lease never lapses, and it moves on.
      double firstLeftMs = leaseLeftMs(observer);
      double lastLeftMs = firstLeftMs;
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * LEASE_MS);
      while (System.nanoTime() < until) {
        lastLeftMs = leaseLeftMs(observer);
        assertTrue(lastLeftMs > 0, "the lease ran out with the main pool exhausted (" + held.size()
            + " connections held by the test)");
        TimeUnit.MILLISECONDS.sleep(200);
      }
      assertEquals(pool.getMaximumPoolSize(), pool.getHikariPoolMXBean().getActiveConnections(),
          "the main pool stayed exhausted");
      assertTrue(held.size() >= 1, "the test held some of the pool");
      for (Connection c : held) {
        c.close();
      }
      held.clear();
      job.awaitCommitted(RECORDS, Duration.ofMinutes(1), () -> String.valueOf(engine.failure()));
      assertTrue(engine.failure().isEmpty(), () -> String.valueOf(engine.failure()));
      try (Statement st = observer.createStatement();
          ResultSet rs = st.executeQuery("SELECT attempts FROM onceflow.tasks WHERE from_offset = 0")) {
        assertTrue(rs.next());
        assertEquals(1, rs.getInt(1), "the busy task was claimed once: its lease never ran out");
      }
    } finally {
      for (Connection c : held) {
        c.close();
      }
    }
    try (Connection c = db.connect()) {
      Verdict verdict = GroundTruth.verifyAgg(c, "user_totals", RECORDS, Workload.standard());
      assertTrue(verdict.passed(), verdict.summary());
    }
    job.assertLedger();
  }

  /** Waits until the task at offset 0 is leased and its job is busy in its transaction. */
  private static void awaitBusyTask(Connection observer) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    try (Statement st = observer.createStatement()) {
      while (System.nanoTime() < deadline) {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity"
            + " WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep(0.1)%'")) {
          rs.next();
          if (rs.getInt(1) > 0) {
            return;
          }
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
    throw new AssertionError("the busy task never started");
  }

  /** How long the lease of the task at offset 0 has left, by the database clock. */
  private static double leaseLeftMs(Connection observer) throws Exception {
    try (Statement st = observer.createStatement();
        ResultSet rs = st.executeQuery("SELECT extract(epoch FROM lease_until - now()) * 1000"
            + " FROM onceflow.tasks WHERE from_offset = 0 AND state = 'planned'")) {
      assertTrue(rs.next(), "the busy task is still planned");
      return rs.getDouble(1);
    }
  }
}
