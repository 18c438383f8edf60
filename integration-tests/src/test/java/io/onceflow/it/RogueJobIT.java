package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.runtime.Engine;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import io.onceflow.testkit.TestProducer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Jobs that misuse the task transaction: their writes never commit without the offsets (I2). */
@ExtendWith(RealServers.class)
class RogueJobIT {

  @Test
  void aJobThatEndsItsTransactionWithSqlNeverCommitsItsWritesNorMovesTheOffset(
      TestKafka kafka, TestDatabase db) throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic("rogue"), 1);
    try (TestProducer producer = TestProducer.to(kafka, topic)) {
      for (int i = 0; i < 10; i++) {
        producer.send("k" + i, "v" + i);
      }
    }
    JobUnderTest job =
        JobUnderTest.of(SqlRollbackJob.class, kafka, db)
            .topics(topic)
            .set("value.format", "string")
            .set("worker.task.attempts", "100"); // the guard's verdict, not the poison isolation

    try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL);
        Connection c = db.connect()) {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (attemptsRefusedByTheGuard(c) < 3) {
        assertTrue(System.nanoTime() < deadline, "the guard did not refuse 3 attempts within 60 s");
        assertTrue(engine.failure().isEmpty(), () -> "engine failed: " + engine.failure().get());
        Thread.sleep(100);
      }
    }

    try (Connection c = db.connect()) {
      assertEquals(0, count(c, "SELECT count(*) FROM leaked"), "no write of the job committed");
      assertEquals(0, job.committedOffsets(), "the offset did not move");
      assertEquals(0, count(c, "SELECT count(*) FROM onceflow.tasks WHERE state = 'committed'"));
    }
  }

  /** Attempts of the task so far, once its last error is the guard's. */
  private static long attemptsRefusedByTheGuard(Connection c) throws SQLException {
    return count(
        c,
        "SELECT coalesce(max(attempts), 0) FROM onceflow.tasks"
            + " WHERE last_error LIKE '%is gone before COMMIT: the job must not roll back%'");
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
