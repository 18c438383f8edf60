package io.onceflow.ledger;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.api.OnceflowException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {
  @Test
  void connectionFailuresSerializationDeadlocksAndShutdownsAreRetriable() {
    for (String state : new String[] {"08006", "08001", "40001", "40P01", "57P01", "55P03", "25P03"}) {
      assertTrue(SqlErrors.isRetriable(new SQLException("x", state)), state);
    }
  }

  @Test
  void constraintAndSyntaxErrorsAreFatal() {
    for (String state : new String[] {"23505", "42601", "42P01", "42501"}) {
      assertFalse(SqlErrors.isRetriable(new SQLException("x", state)), state);
    }
  }

  @Test
  void walksTheCauseChain() {
    RuntimeException wrapped = new RuntimeException("pool", new SQLException("gone", "08003"));
    assertTrue(SqlErrors.isRetriable(wrapped));
  }

  @Test
  void classifyNamesTheOperation() {
    OnceflowException e = SqlErrors.classify("claim a task", new SQLException("boom", "08006"));
    assertTrue(e.isRetriable());
    assertTrue(e.getMessage().startsWith("Could not claim a task: boom"), e.getMessage());
  }
}
