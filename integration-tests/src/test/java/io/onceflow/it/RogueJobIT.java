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

/**
 * Jobs that misuse the task transaction: their writes never commit without the offsets (I2), and
 * the engine stops naming the job. (More kinds of transaction control: {@link JobFailuresIT}.)
 */
@ExtendWith(RealServers.class)
class RogueJobIT {

  @Test
  void aJobThatEndsItsTransactionWithSqlStopsTheEngineAndCommitsNothing(
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

    try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL)) {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (engine.failure().isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "the engine did not stop within 60 s");
        Thread.sleep(100);
      }
      String message = engine.failure().get().getMessage();
      assertTrue(message.contains("Job " + SqlRollbackJob.class.getName() + " ended the task"
          + " transaction"), message);
      assertTrue(message.contains("Nothing of the task was committed"), message);
    }

    try (Connection c = db.connect()) {
      assertEquals(0, count(c, "SELECT count(*) FROM leaked"), "no write of the job committed");
      assertEquals(0, job.committedOffsets(), "the offset did not move");
      assertEquals(0, count(c, "SELECT count(*) FROM onceflow.tasks WHERE state = 'committed'"));
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
