package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.testkit.JobProcess;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What isolating the failing records of one task of 100,000 costs ({@code FailureIsolation} in
 * the engine): the job's calls and the records they processed, counted by {@link MisbehavingJob}
 * over its own connection, and the time from the first probe to the end, printed for the
 * record ({@code ISOLATION …} lines; no timing is asserted). The calls are bounded: about log2(n)
 * probes per bad record, and a mass failure stops after 10 records failed alone.
 */
@ExtendWith(RealServers.class)
class IsolationCostIT {
  private static final int RECORDS = 100_000;

  @TempDir Path dir;

  @Test
  void oneBadRecordIn100kCostsAboutLog2nCalls(TestKafka kafka, TestDatabase db) throws Exception {
    JobUnderTest job = job("error", kafka, db);
    produce(kafka, job, 50_000);
    try (JobProcess p = OnceflowCommand.start("one-bad", "run", job.writeConfig(dir), Map.of())) {
      JobFailuresIT.awaitCommitted(job, p, RECORDS);
      assertEquals(0, p.terminate(Duration.ofSeconds(30)), p.tail());
    }
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      assertEquals(RECORDS - 1, count(st, "SELECT count(*) FROM seen"));
      assertEquals(1, count(st, "SELECT count(*) FROM onceflow.dead_letters"));
      long isolationCalls = report(st, "one bad record in " + RECORDS);
      // 1 failing call on the whole remaining list, ceil(log2 100000) = 17 probes, 1 final call.
      assertTrue(isolationCalls <= 1 + 17 + 1, "calls: " + isolationCalls);
    }
  }

  @Test
  void aRangeOf100kThatAllFailsStopsAfterTenRecordsFailedAlone(TestKafka kafka, TestDatabase db)
      throws Exception {
    JobUnderTest job = job("all-fail", kafka, db);
    produce(kafka, job, -1);
    try (JobProcess p = OnceflowCommand.start("all-fail", "run", job.writeConfig(dir), Map.of())) {
      assertEquals(1, p.awaitExit(Duration.ofMinutes(5)), p.tail());
      assertTrue(p.output().contains("a mass failure"), p.tail());
    }
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      assertEquals(0, count(st, "SELECT count(*) FROM seen"));
      assertEquals(0, count(st, "SELECT count(*) FROM onceflow.dead_letters"));
      long isolationCalls = report(st, RECORDS + " that all fail");
      // Each record failing alone costs one call on the remaining list and a binary search down
      // to the first record (17 probes); the tenth stops the attempt.
      assertTrue(isolationCalls <= 10 * (1 + 17), "calls: " + isolationCalls);
    }
  }

  /** Prints what the isolation cost (the calls after the one failed attempt); returns its calls. */
  private static long report(Statement st, String what) throws SQLException {
    String isolation = " FROM calls WHERE n > (SELECT min(n) FROM calls)";
    try (ResultSet rs = st.executeQuery("SELECT count(*), sum(records),"
        + " extract(epoch FROM max(at) - min(at)) * 1000" + isolation)) {
      rs.next();
      System.out.printf("ISOLATION %s: %d calls, %d records processed, %.0f ms%n",
          what, rs.getLong(1), rs.getLong(2), rs.getDouble(3));
      return rs.getLong(1);
    }
  }

  /** One partition, one task of 100,000 records, isolation after the first failure. */
  private static JobUnderTest job(String mode, TestKafka kafka, TestDatabase db) {
    String topic = kafka.createTopic(TestKafka.uniqueTopic("isolation"), 1);
    return JobUnderTest.of(MisbehavingJob.class, kafka, db).topics(topic)
        .set("job.name", "isolation").set("value.format", "string")
        .set("batch.max.records.per.partition", String.valueOf(RECORDS))
        .set("worker.threads", "1").set("worker.task.attempts", "1")
        .param("mode", mode).param("log.url", db.jdbcUrl());
  }

  private static void produce(TestKafka kafka, JobUnderTest job, long poison) {
    PoisonRecordsIT.produce(kafka, job.config().sourceTopics().get(0), RECORDS, List.of(poison));
  }

  private static long count(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
