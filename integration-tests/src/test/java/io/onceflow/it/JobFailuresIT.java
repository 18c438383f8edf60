package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.it.OnceflowCommand.Run;
import io.onceflow.testkit.JobProcess;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.LedgerAssertions;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a job's own mistakes cost, each with a {@code onceflow run} process, a real broker and
 * database: 6,000 records on one partition, one poison record at offset 3,500, tasks of 1,000
 * records, {@code worker.task.attempts=2} ({@link MisbehavingJob} picks the mistake). The ground
 * truth is what the test produced: a job failure costs exactly the poison record (a dead letter)
 * and every other record is applied once; a mistake that must stop the worker commits nothing of
 * its task, and everything before it stays committed.
 */
@ExtendWith(RealServers.class)
class JobFailuresIT {
  private static final int RECORDS = 6_000;
  private static final long POISON = 3_500;
  /** The task holding the poison record starts here; everything before is committed. */
  private static final long POISONED_TASK = 3_000;

  @TempDir Path dir;
  /** The broker of the running test, for {@link #produce}. */
  private TestKafka kafka;

  @Test
  void anErrorTheJobThrowsIsAJobFailure(TestKafka kafka, TestDatabase db) throws Exception {
    assertPoisonDeadLettered(kafka, db, "error", "java.lang.AssertionError", "bad order at 3500");
  }

  @Test
  void anEofExceptionInTheCauseChainIsAJobFailureNotAnOutage(TestKafka kafka, TestDatabase db)
      throws Exception {
    assertPoisonDeadLettered(kafka, db, "eof", "java.lang.IllegalStateException", "cannot decode 3500");
  }

  @Test
  void anSqlErrorTheJobSwallowsIsAJobFailure(TestKafka kafka, TestDatabase db) throws Exception {
    String error = assertPoisonDeadLettered(kafka, db, "swallow-sql",
        "io.onceflow.api.OnceflowException", "the task transaction is aborted");
    assertTrue(error.contains("savepoint"), "the message says what to do: " + error);
  }

  @Test
  void deadLetteringARecordTwiceIsAJobFailureOfItsTask(TestKafka kafka, TestDatabase db)
      throws Exception {
    assertPoisonDeadLettered(kafka, db, "dead-letter-twice",
        "java.lang.IllegalArgumentException", "is dead-lettered twice");
  }

  @Test
  void attemptsCountJobFailuresNotClaims(TestKafka kafka, TestDatabase db) throws Exception {
    // The first three calls on the poisoned task throw RetriableException (outages: not
    // counted), then the poison record fails the job: with worker.task.attempts=2, exactly two
    // failed calls on the whole poisoned range come before isolation, whatever number of claims
    // the outages cost. (Counting claims, the fourth claim went straight to isolation.)
    JobUnderTest job = job("retriable-then-poison", kafka, db).param("log.url", db.jdbcUrl());
    assertPoisonDeadLettered(job, db, "java.lang.AssertionError", "bad order at 3500");
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      assertEquals(3, count(st, "SELECT count(*) FROM calls WHERE outcome = 'RetriableException'"));
      assertEquals(2 + 1, count(st, "SELECT count(*) FROM calls WHERE records = 1000"
          + " AND outcome = 'AssertionError' AND n < (SELECT min(n) FROM calls WHERE records < 1000)"),
          "failed calls on the whole poisoned range: 2 attempts, then the isolation's first probe");
      assertEquals(2, count(st, "SELECT failures FROM onceflow.tasks WHERE from_offset = 3000"));
      assertEquals(3 + 2 + 1, count(st, "SELECT attempts FROM onceflow.tasks WHERE from_offset = 3000"),
          "claims of the poisoned task: 3 outages, 2 failures, the isolating attempt");
    }
  }

  @Test
  void anOutOfMemoryErrorStopsTheWorkerAndSaysWhy(TestKafka kafka, TestDatabase db) throws Exception {
    String out = assertStopsCommittingNothingOfItsTask(job("oom", kafka, db));
    assertTrue(out.contains("OutOfMemoryError"), out);
    assertTrue(out.contains("The worker stops"), out);
  }

  @Test
  void transactionControlByTheJobStopsItLoudlyAndCommitsNothingOfItsTask(
      TestKafka kafka, TestDatabase db) throws Exception {
    for (String mode : List.of("sql-commit", "getconnection-commit", "unwrap-commit", "setautocommit")) {
      try (TestDatabase own = TestDatabase.create()) {
        String out = assertStopsCommittingNothingOfItsTask(job(mode, kafka, own));
        assertTrue(out.contains("Job " + MisbehavingJob.class.getName()), mode + ":\n" + out);
        assertTrue(out.contains("nothing of the task was committed")
            || out.contains("Nothing of the task was committed"), mode + ":\n" + out);
      }
    }
  }

  @Test
  void aDroppedSinkTableStopsTheWorkerNamingItInsteadOfDeadLettering(TestKafka kafka, TestDatabase db)
      throws Exception {
    JobUnderTest job = job("none", kafka, db);
    produce(job, RECORDS, -1);
    try (JobProcess p = OnceflowCommand.start("dropped", "run", job.writeConfig(dir), Map.of())) {
      awaitCommitted(job, p, RECORDS);
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        st.execute("DROP TABLE seen");
      }
      produce(job, 1_000, -1);
      assertEquals(1, p.awaitExit(Duration.ofMinutes(2)), p.tail());
      String out = p.output();
      assertTrue(out.contains("relation \"seen\" does not exist"), out);
      assertTrue(out.contains("nothing is retried or dead-lettered"), out);
    }
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      assertEquals(0, count(st, "SELECT count(*) FROM onceflow.dead_letters"));
      assertEquals(RECORDS, job.committedOffsets(), "nothing after the drop committed");
    }
  }

  @Test
  void aMassFailureStopsTheWorkerInsteadOfDeadLetteringTheStream(TestKafka kafka, TestDatabase db)
      throws Exception {
    JobUnderTest job = job("all-fail", kafka, db);
    produce(job, 1_000, -1);
    try (JobProcess p = OnceflowCommand.start("mass", "run", job.writeConfig(dir), Map.of())) {
      assertEquals(1, p.awaitExit(Duration.ofMinutes(2)), p.tail());
      String out = p.output();
      assertTrue(out.contains("a mass failure"), out);
      assertTrue(out.contains("job.poison.max.percent=10%"), out);
      assertTrue(out.contains("cannot handle 9"), "names the cause: " + out);
    }
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      assertEquals(0, count(st, "SELECT count(*) FROM onceflow.dead_letters"));
      assertEquals(0, count(st, "SELECT count(*) FROM seen"));
      assertEquals(0, job.committedOffsets());
    }
  }

  @Test
  void aSessionSettingTheJobChangesDoesNotReachTheNextTask(TestKafka kafka, TestDatabase db)
      throws Exception {
    JobUnderTest job = job("set-session", kafka, db).set("worker.lease.ms", "20000");
    produce(job, RECORDS, -1);
    try (JobProcess p = OnceflowCommand.start("session", "run", job.writeConfig(dir), Map.of())) {
      awaitCommitted(job, p, RECORDS);
      assertEquals(0, p.terminate(Duration.ofSeconds(30)), p.tail());
    }
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      assertTrue(count(st, "SELECT count(*) FROM settings_seen") >= RECORDS / 1000);
      try (ResultSet rs = st.executeQuery(
          "SELECT DISTINCT lock_timeout, idle, search_path FROM settings_seen")) {
        List<String> seen = new ArrayList<>();
        while (rs.next()) {
          seen.add(rs.getString(1) + " | " + rs.getString(2) + " | " + rs.getString(3));
        }
        assertEquals(List.of("20s | 20s | \"$user\", public"), seen,
            "every task starts with the engine's timeouts and the default search_path");
      }
      assertEquals(RECORDS, count(st, "SELECT count(*) FROM seen"));
    }
  }

  @Test
  void aPlannedTaskBehindItsCommittedOffsetStopsTheDriverNamingIt(TestKafka kafka, TestDatabase db)
      throws Exception {
    JobUnderTest job = job("none", kafka, db);
    produce(job, 2_000, -1);
    try (JobProcess p = OnceflowCommand.start("first", "run", job.writeConfig(dir), Map.of())) {
      awaitCommitted(job, p, 2_000);
      assertEquals(0, p.terminate(Duration.ofSeconds(30)), p.tail());
    }
    // What a job-issued COMMIT did before the commit guard: the offset moved, the task did not.
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      assertEquals(1, st.executeUpdate("UPDATE onceflow.tasks SET state = 'planned',"
          + " committed_at = NULL WHERE from_offset = 1000"));
    }
    try (JobProcess p = OnceflowCommand.start("second", "run", job.writeConfig(dir), Map.of())) {
      assertEquals(1, p.awaitExit(Duration.ofMinutes(1)), p.tail());
      String out = p.output();
      assertTrue(out.contains("invariant I1"), out);
      assertTrue(out.contains(job.config().sourceTopics().get(0) + "-0 [1000, 2000)"
          + " behind committed offset 2000"), out);
    }
  }

  @Test
  void aReplayWhoseJobCommitsItselfChangesNothing(TestKafka kafka, TestDatabase db) throws Exception {
    JobUnderTest job = job("error", kafka, db);
    assertPoisonDeadLettered(job, db, "java.lang.AssertionError", "bad order at 3500");
    Path config = job.param("mode", "sql-commit").writeConfig(dir);
    Run replay = OnceflowCommand.run("dead-letters", "replay", "--all", "--config", config.toString());
    assertTrue(replay.exit() != 0, replay.out() + replay.err());
    assertTrue(replay.err().contains("committed the task transaction itself"), replay.err());
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      assertEquals(1, count(st, "SELECT count(*) FROM onceflow.dead_letters"), "the dead letter stays");
      assertEquals(0, count(st, "SELECT count(*) FROM seen WHERE \"offset\" = " + POISON),
          "no write of the replay committed");
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  private JobUnderTest job(String mode, TestKafka kafka, TestDatabase db) {
    this.kafka = kafka;
    String topic = kafka.createTopic(TestKafka.uniqueTopic("misbehaving"), 1);
    return JobUnderTest.of(MisbehavingJob.class, kafka, db).topics(topic)
        .set("job.name", "misbehaving").set("value.format", "string")
        .set("batch.max.records.per.partition", "1000").set("worker.threads", "1")
        .set("worker.task.attempts", "2").param("mode", mode);
  }

  private String assertPoisonDeadLettered(
      TestKafka kafka, TestDatabase db, String mode, String errorClass, String errorText)
      throws Exception {
    return assertPoisonDeadLettered(job(mode, kafka, db), db, errorClass, errorText);
  }

  /**
   * Runs the job on the records with one poison: the poison record is the only dead letter, with
   * the job's error; every other record is applied once; the ledger's invariants hold.
   *
   * @return the dead letter's error message
   */
  private String assertPoisonDeadLettered(
      JobUnderTest job, TestDatabase db, String errorClass, String errorText) throws Exception {
    produce(job, RECORDS, POISON);
    try (JobProcess p = OnceflowCommand.start("poisoned", "run", job.writeConfig(dir), Map.of())) {
      awaitCommitted(job, p, RECORDS);
      assertEquals(0, p.terminate(Duration.ofSeconds(30)), p.tail());
    }
    job.assertLedger();
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      assertEquals(RECORDS - 1, count(st, "SELECT count(*) FROM seen"), "every good record applied");
      assertEquals(0, count(st, "SELECT count(*) FROM seen WHERE \"offset\" = " + POISON));
      assertEquals(RECORDS - 1, count(st, "SELECT count(DISTINCT \"offset\") FROM seen"), "each once");
      try (ResultSet rs = st.executeQuery(
          "SELECT \"offset\", error_class, error_message FROM onceflow.dead_letters")) {
        assertTrue(rs.next(), "the poison record is a dead letter");
        assertEquals(POISON, rs.getLong(1));
        assertEquals(errorClass, rs.getString(2));
        String message = rs.getString(3);
        assertTrue(message.contains(errorText), message);
        assertTrue(!rs.next(), "one dead letter only");
        return message;
      }
    }
  }

  /**
   * Runs the job on the records with one poison and expects {@code onceflow run} to exit 1: the
   * poisoned task commits nothing, every task before it commits.
   *
   * @return the process's output
   */
  private String assertStopsCommittingNothingOfItsTask(JobUnderTest job) throws Exception {
    produce(job, RECORDS, POISON);
    String out;
    try (JobProcess p = OnceflowCommand.start("stops", "run", job.writeConfig(dir), Map.of())) {
      assertEquals(1, p.awaitExit(Duration.ofMinutes(2)), p.tail());
      out = p.output();
    }
    try (Connection c = job.connect(); Statement st = c.createStatement()) {
      LedgerAssertions.assertInvariants(c, job.name());
      assertEquals(POISONED_TASK, job.committedOffsets(), "stopped at the poisoned task");
      assertEquals(POISONED_TASK, count(st, "SELECT count(*) FROM seen"),
          "nothing of the poisoned task was committed");
      assertEquals(POISONED_TASK, count(st, "SELECT count(DISTINCT \"offset\") FROM seen"));
      assertEquals(0, count(st, "SELECT count(*) FROM onceflow.dead_letters"));
    }
    return out;
  }

  /** Waits for {@code offsets} committed offsets; fails at once if the process exits. */
  static void awaitCommitted(JobUnderTest job, JobProcess p, long offsets) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (job.committedOffsets() < offsets) {
      assertTrue(p.isAlive(), () -> "the process exited:\n" + p.tail());
      assertTrue(System.nanoTime() < deadline, () -> "committed " + offsets + "? " + p.tail());
      Thread.sleep(100);
    }
  }

  /** Sends {@code n} records; the one at index {@code poison} (if any) is poison. */
  private void produce(JobUnderTest job, int n, long poison) {
    PoisonRecordsIT.produce(kafka, job.config().sourceTopics().get(0), n, List.of(poison));
  }

  private static long count(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
