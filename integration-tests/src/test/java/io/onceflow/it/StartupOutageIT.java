package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.examples.AggJob;
import io.onceflow.examples.GroundTruth;
import io.onceflow.examples.Verdict;
import io.onceflow.examples.Workload;
import io.onceflow.ledger.LedgerSchema;
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
import org.postgresql.ds.PGSimpleDataSource;

/**
 * PostgreSQL away or restarting while {@code onceflow run} starts (issue 12: a chaos run's driver
 * exited 1 with "Could not create or upgrade the ledger schema … terminating connection due to
 * administrator command"): start-up waits it out and the job then commits ground truth.
 *
 * <p>Each outage is placed at one start-up step, deterministically: connections are refused (a
 * port nothing listens on yet, {@link TcpForwarder}); then the step's session is ended with {@code
 * pg_terminate_backend} (SQLState {@code 57P01}, what a restart sends) while it waits on a lock the
 * test holds, so it is known to be inside that step: the ledger migration, then the job lookup.
 */
@ExtendWith(RealServers.class)
class StartupOutageIT {
  private static final long RECORDS = 3_000;
  private static final Duration STEP = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void startUpWaitsOutRefusedConnectionsAndEndedSessionsThenCommitsGroundTruth(TestKafka kafka, TestDatabase db)
      throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic("startup_outage"), 2);
    try (TcpForwarder postgres = TcpForwarder.closed()) {
      String url = db.jdbcUrl().replace("127.0.0.1:5432", "127.0.0.1:" + postgres.port());
      assertTrue(url.contains(":" + postgres.port() + "/"), url);
      JobUnderTest job = WorkloadJobs.job("startup_outage", AggJob.class, kafka, topic, url)
          .set("worker.lease.ms", "30000"); // lock_timeout: the test ends the waits itself
      WorkloadJobs.produce(kafka, topic, Workload.standard(), 0, RECORDS);
      migrate(db); // so that the test can lock the ledger's tables before the engine starts
      try (Connection migration = db.connectInTransaction();
          Connection lookup = db.connectInTransaction();
          JobProcess p = OnceflowCommand.start(job.name(), "run", job.writeConfig(dir), Map.of())) {
        lock(migration, "onceflow.flyway_schema_history");
        lock(lookup, "onceflow.jobs");

        p.awaitOutput("could not connect to PostgreSQL (attempt 2, unbounded", STEP);
        assertTrue(p.output().contains("127.0.0.1:" + postgres.port() + "/" + db.name() + "?user=postgres: Connection refused"), p.tail());
        postgres.open(5432);

        endSessionWaitingOnALock(db, "onceflow-local-" + job.name(), p);
        p.awaitOutput("could not create or upgrade the ledger (attempt 1", STEP);
        assertTrue(p.output().contains("terminating connection due to administrator command"), p.tail());
        migration.commit();

        endSessionWaitingOnALock(db, "onceflow-local-" + job.name(), p);
        p.awaitOutput("could not look up the job in the ledger (attempt 1", STEP);
        lookup.commit();

        job.awaitCommitted(RECORDS, Duration.ofMinutes(2), p::tail);
        assertEquals(0, p.terminate(Duration.ofSeconds(60)), p.tail());
      }
      try (Connection c = db.connect()) {
        Verdict verdict = GroundTruth.verifyAgg(c, "user_totals", RECORDS, Workload.standard());
        assertTrue(verdict.passed(), verdict.summary());
      }
      job.assertLedger();
    }
  }

  private static void migrate(TestDatabase db) {
    PGSimpleDataSource direct = new PGSimpleDataSource();
    direct.setURL(db.jdbcUrl());
    LedgerSchema.migrate(direct);
  }

  private static void lock(Connection c, String table) throws Exception {
    try (Statement st = c.createStatement()) {
      st.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
    }
  }

  /** Ends (57P01) the session of {@code application} that waits on a lock, once there is one. */
  private static void endSessionWaitingOnALock(TestDatabase db, String application, JobProcess p)
      throws Exception {
    long deadline = System.nanoTime() + STEP.toNanos();
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      while (System.nanoTime() < deadline) {
        assertTrue(p.isAlive(), () -> "the engine exited during start-up:\n" + p.tail());
        try (ResultSet rs = st.executeQuery(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '"
                + application + "' AND datname = current_database() AND wait_event_type = 'Lock'")) {
          rs.next();
          if (rs.getInt(1) > 0) {
            return;
          }
        }
        TimeUnit.MILLISECONDS.sleep(20);
      }
    }
    throw new AssertionError("no session of " + application + " waited on a lock:\n" + p.tail());
  }
}
