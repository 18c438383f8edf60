package io.onceflow.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.api.LedgerInconsistencyException;
import io.onceflow.api.OnceflowException;
import io.onceflow.api.RetriableException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class RetriesTest {

  @Test
  void outagesOfEitherServerAreRetriableEvenWhenWrapped() {
    assertTrue(Retries.isRetriable(new SQLException("gone", "08006")));
    assertTrue(Retries.isRetriable(new SQLException("admin shutdown", "57P01")));
    assertTrue(Retries.isRetriable(new SQLException("serialization", "40001")));
    assertTrue(Retries.isRetriable(new SQLException("deadlock", "40P01")));
    assertTrue(Retries.isRetriable(new TimeoutException("no answer")));
    assertTrue(Retries.isRetriable(new DisconnectException("bye")));
    assertTrue(Retries.isRetriable(new NotLeaderOrFollowerException("moving")));
    assertTrue(Retries.isRetriable(new OnceflowException("wrapped", new RuntimeException(new TimeoutException("x")))));
    assertTrue(Retries.isRetriable(new RetriableException("engine says so", null)));
  }

  @Test
  void jobErrorsRightsAndInconsistenciesAreFatal() {
    assertFalse(Retries.isRetriable(new IllegalStateException("bug in the job")));
    assertFalse(Retries.isRetriable(new SQLException("permission denied", "42501")));
    assertFalse(Retries.isRetriable(new SQLException("duplicate key", "23505")));
    assertFalse(Retries.isRetriable(new TopicAuthorizationException("no ACL")));
    assertFalse(Retries.isRetriable(new LedgerInconsistencyException("never guess")));
  }

  @Test
  void aMissingRightIsNeitherRetriableNorARecordsFault() {
    SQLException denied = new SQLException("permission denied for table totals", "42501");
    assertTrue(io.onceflow.ledger.SqlErrors.isMissingRight(new RuntimeException(denied)));
    assertTrue(io.onceflow.ledger.SqlErrors.isMissingRight(new SQLException("bad password", "28P01")));
    assertFalse(io.onceflow.ledger.SqlErrors.isMissingRight(new SQLException("duplicate", "23505")));
    assertFalse(Retries.isRetriable(denied));
  }

  @Test
  void retriesARetriableErrorUntilItSucceedsWaitingLongerEachTime() {
    List<Long> slept = new ArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    String result =
        Retries.call("do it", 5, new Backoff(100, 1_000, bound -> bound - 1), slept::add, () -> {
          if (calls.incrementAndGet() < 3) {
            throw new SQLException("connection lost", "08006");
          }
          return "done";
        });
    assertEquals("done", result);
    assertEquals(List.of(100L, 200L), slept);
  }

  @Test
  void givesUpAfterMaxAttemptsNamingTheOperation() {
    AtomicInteger calls = new AtomicInteger();
    OnceflowException e =
        assertThrows(OnceflowException.class, () -> Retries.call("release the leases", 3,
            new Backoff(1, 2), millis -> {}, () -> {
              calls.incrementAndGet();
              throw new SQLException("connection refused", "08001");
            }));
    assertEquals(3, calls.get());
    assertTrue(e.getMessage().startsWith("Could not release the leases after 3 attempts"), e.getMessage());
  }

  @Test
  void aFatalErrorIsNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    LedgerInconsistencyException fatal = new LedgerInconsistencyException("stop");
    OnceflowException e = assertThrows(OnceflowException.class, () -> Retries.call("x", 5,
        new Backoff(1, 2), millis -> {}, () -> {
          calls.incrementAndGet();
          throw fatal;
        }));
    assertSame(fatal, e);
    assertEquals(1, calls.get());
  }

  @Test
  void anInterruptStopsTheRetriesAndKeepsTheFlag() {
    OnceflowException e = assertThrows(OnceflowException.class, () -> Retries.call("x", 5,
        new Backoff(1, 2), millis -> {
          throw new InterruptedException();
        }, () -> {
          throw new SQLException("gone", "08006");
        }));
    assertTrue(Thread.interrupted(), "the interrupt flag is set again (and cleared here)");
    assertTrue(e.getMessage().contains("Interrupted"), e.getMessage());
  }
}
