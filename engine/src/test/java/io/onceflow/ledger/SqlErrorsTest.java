package io.onceflow.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
  void aRollbackThatFailsAfterAnErrorNeverReplacesIt() {
    // What a PostgreSQL restart looks like through the pool: the statement fails with 57P01, the
    // pool closes the connection, and the rollback then fails with a bare "Connection is closed".
    java.sql.Connection closed =
        (java.sql.Connection)
            java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {java.sql.Connection.class},
                (proxy, method, args) -> {
                  throw new SQLException("Connection is closed");
                });
    SQLException restart = new SQLException("terminating connection due to administrator command", "57P01");

    SqlErrors.rollbackAfter(closed, restart);

    assertEquals(1, restart.getSuppressed().length);
    assertEquals("Connection is closed", restart.getSuppressed()[0].getMessage());
    assertTrue(SqlErrors.classify("write a plan", restart).isRetriable());
    assertFalse(SqlErrors.isRetriable(new SQLException("Connection is closed")),
        "the rollback's own error alone would have stopped the driver");
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
