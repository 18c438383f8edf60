package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.examples.AggJob;
import io.onceflow.examples.Workload;
import io.onceflow.it.OnceflowCommand.Run;
import io.onceflow.runtime.Engine;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code onceflow status}, {@code offsets show|reset} and {@code jobs list} on a real ledger. */
@ExtendWith(RealServers.class)
class AdminCliIT {
  private static final long RECORDS = 3_000;
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private String topic;
  private JobUnderTest job;
  private TestDatabase db;
  private Path config;

  /** {@link RealServers} gives this method the test's database and drops it after the test. */
  @BeforeEach
  void aJobThatConsumedEverything(TestKafka kafka, TestDatabase db) throws Exception {
    this.db = db;
    topic = kafka.createTopic(TestKafka.uniqueTopic("admin_cli"), 2);
    job = WorkloadJobs.job("admin_cli", AggJob.class, kafka, topic, db);
    WorkloadJobs.produce(kafka, topic, Workload.standard().withUsers(200), 0, RECORDS);
    config = job.writeConfig(Files.createTempDirectory("admin-cli"));
    try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL)) {
      job.awaitCommitted(RECORDS, TIMEOUT, () -> engine.failure().map(Throwable::toString).orElse(""));
    }
  }

  @Test
  void statusShowsTotalsPartitionsAndBatchesOfAStoppedJob() {
    Run run = OnceflowCommand.run("status", "-c", config.toString(), "--batches", "3");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("Job admin_cli (topics:" + topic), run.out());
    assertTrue(run.out().contains("Driver: not running"), run.out());
    assertTrue(run.out().contains("Committed: 3,000 records"), run.out());
    assertTrue(run.out().contains(topic + "-0") && run.out().contains(topic + "-1"), run.out());
    assertTrue(run.out().contains("committed"), "batch states: " + run.out());
    assertTrue(run.out().contains("(no live workers)"), run.out());
  }

  @Test
  void offsetsShowListsEachPartitionWithItsEndAndNoLag() {
    Run run = OnceflowCommand.run("offsets", "show", "-c", config.toString());
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("PARTITION") && run.out().contains("LAG"), run.out());
    for (String line : run.out().split("\n")) {
      if (line.contains(topic + "-")) {
        assertTrue(line.strip().matches(".* 0 +ok"), "caught up, not halted: " + line);
      }
    }
  }

  @Test
  void jobsListNamesTheJobAndItsStoppedDriver() {
    Run run = OnceflowCommand.run("jobs", "list", "-c", config.toString());
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("admin_cli") && run.out().contains("stopped"), run.out());
    assertTrue(run.out().contains(AggJob.class.getName()), run.out());
  }

  @Test
  void resetWithoutExecuteOnlyPrintsTheMoves() throws Exception {
    long before = partitionOffset(0);
    Run run = OnceflowCommand.run("offsets", "reset", "-c", config.toString(), "--to", "earliest", "--partition", "0");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("Dry run"), run.out());
    assertTrue(run.out().contains("-" + String.format("%,d", before)), "the move is shown: " + run.out());
    assertEquals(before, partitionOffset(0));
  }

  @Test
  void resetMovesOnePartitionInOneRecordedTransactionAndTheJobReprocessesIt() throws Exception {
    long p0 = partitionOffset(0);
    long p1 = partitionOffset(1);
    long epoch = epoch();
    Run run =
        OnceflowCommand.run("offsets", "reset", "-c", config.toString(), "--to", "earliest", "--partition", "0", "--execute");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("Reset 1 partition(s)"), run.out());
    assertEquals(0, partitionOffset(0), "partition 0 is back at its start");
    assertEquals(p1, partitionOffset(1), "partition 1 did not move");
    assertEquals(epoch + 1, epoch(), "the reset bumped the leader epoch");
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT from_offset, to_offset, committed_tasks_removed > 0, reset_by LIKE '%offsets reset%'"
                    + " FROM onceflow.offset_resets WHERE job = 'admin_cli'")) {
      assertTrue(rs.next(), "the reset is recorded");
      assertEquals(p0, rs.getLong(1));
      assertEquals(0, rs.getLong(2));
      assertTrue(rs.getBoolean(3), "the committed history after the new offset went with it");
      assertTrue(rs.getBoolean(4));
    }
    job.assertLedger();

    try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL)) {
      job.awaitCommitted(RECORDS, TIMEOUT, () -> engine.failure().map(Throwable::toString).orElse(""));
    }
    assertEquals(p0, partitionOffset(0), "partition 0 was processed again from its start");
    job.assertLedger();
  }

  @Test
  void resetIsRefusedWhileTheDriverRunsAndChangesNothing() throws Exception {
    long before = partitionOffset(0);
    try (Engine driver = Engine.start(job.config(), Engine.Role.DRIVER)) {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!driver.driver().get().isLeader() && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
      Run run =
          OnceflowCommand.run("offsets", "reset", "-c", config.toString(), "--to", "earliest", "--execute");
      assertEquals(1, run.exit(), run.out());
      assertTrue(run.err().contains("The driver of job 'admin_cli' is running"), run.err());
      assertTrue(run.err().contains("Nothing was changed"), run.err());
    }
    assertEquals(before, partitionOffset(0));
  }

  @Test
  void resetIsRefusedWhileAWorkerRuns() throws Exception {
    try (Engine worker = Engine.start(job.config(), Engine.Role.WORKER)) {
      Run run =
          OnceflowCommand.run("offsets", "reset", "-c", config.toString(), "--to", "latest", "--execute");
      assertEquals(1, run.exit(), run.out());
      assertTrue(run.err().contains("Workers of job 'admin_cli' are running"), run.err());
    }
  }

  @Test
  void resetRefusesAnOffsetKafkaDoesNotHoldAndAnUnreadableTarget() throws Exception {
    Run beyond = OnceflowCommand.run("offsets", "reset", "-c", config.toString(), "--to", "99999999", "--execute");
    assertEquals(1, beyond.exit());
    assertTrue(beyond.err().contains("outside what Kafka holds"), beyond.err());
    Run unreadable = OnceflowCommand.run("offsets", "reset", "-c", config.toString(), "--to", "yesterday");
    assertEquals(2, unreadable.exit());
    assertTrue(unreadable.err().contains("earliest, latest, an offset"), unreadable.err());
    Run byTime =
        OnceflowCommand.run("offsets", "reset", "-c", config.toString(), "--to", "2100-01-01T00:00:00Z");
    assertEquals(0, byTime.exit(), byTime.err());
    assertTrue(byTime.out().contains("+0"), "a future time is the end, where the job is: " + byTime.out());
  }

  private long partitionOffset(int partition) throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT until_offset FROM onceflow.offsets WHERE job = 'admin_cli' AND partition = "
                    + partition)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private long epoch() throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT leader_epoch FROM onceflow.jobs WHERE job = 'admin_cli'")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
