package io.onceflow.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.api.ConfigException;
import io.onceflow.api.OnceflowException;
import io.onceflow.ledger.SqlErrors;
import io.onceflow.task.Backoff;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class StartupRetryTest {
  private final List<Long> slept = new ArrayList<>();
  private long nowNanos;

  private StartupRetry retry(OptionalLong maxMs) {
    return new StartupRetry("j", maxMs, new Backoff(100, 1_000), millis -> {
      slept.add(millis);
      nowNanos += TimeUnit.MILLISECONDS.toNanos(millis);
    }, () -> nowNanos);
  }

  /** The error a PostgreSQL restart gave the ledger migration in a chaos run (issue 12). */
  private static OnceflowException adminShutdown() {
    return SqlErrors.classify("create or upgrade the ledger schema 'onceflow'",
        new SQLException("terminating connection due to administrator command", "57P01"));
  }

  @Test
  void aStepIsRetriedThroughADatabaseRestartAndABrokerTimeoutUntilItSucceeds() {
    AtomicInteger calls = new AtomicInteger();
    String result = retry(OptionalLong.empty()).call("create or upgrade the ledger", () -> {
      switch (calls.incrementAndGet()) {
        case 1 -> throw adminShutdown();
        case 2 -> throw SqlErrors.classify("connect", new SQLException("the database system is starting up", "57P03"));
        case 3 -> throw new OnceflowException("Cannot reach Kafka", new TimeoutException("no answer"));
        default -> { return "done"; }
      }
    });
    assertEquals("done", result);
    assertEquals(3, slept.size());
    assertTrue(slept.get(2) > slept.get(0), "backs off: " + slept);
  }

  @Test
  void aRefusalFailsAtOnceAsItIs() {
    for (RuntimeException refusal : List.of(
        new ConfigException("bad key"),
        SqlErrors.classify("create the ledger", new SQLException("permission denied for database x", "42501")),
        SqlErrors.classify("connect", new SQLException("password authentication failed", "28P01")),
        SqlErrors.classify("connect", new SQLException("database \"nope\" does not exist", "3D000")))) {
      RuntimeException thrown =
          assertThrows(RuntimeException.class, () -> retry(OptionalLong.empty()).run("start", () -> {
            throw refusal;
          }));
      assertSame(refusal, thrown);
    }
    assertEquals(List.of(), slept);
  }

  @Test
  void givesUpWhenTheBoundIsSpentSayingSoAndKeepingTheReason() {
    OnceflowException thrown = assertThrows(OnceflowException.class,
        () -> retry(OptionalLong.of(3_000)).run("create or upgrade the ledger", () -> {
          throw adminShutdown();
        }));
    assertTrue(thrown.getMessage().contains("terminating connection due to administrator command"), thrown.getMessage());
    assertTrue(thrown.getMessage().contains("Start-up gave up after " + (slept.size() + 1) + " attempts"),
        thrown.getMessage());
    assertTrue(thrown.getMessage().contains("(startup.retry.max.ms=3000)"), thrown.getMessage());
    long total = slept.stream().mapToLong(Long::longValue).sum();
    assertTrue(slept.size() >= 3 && total <= 3_000, "slept " + slept);
  }

  @Test
  void zeroGivesUpAtTheFirstErrorWithItsOwnMessage() {
    OnceflowException outage = adminShutdown();
    RuntimeException thrown = assertThrows(RuntimeException.class,
        () -> retry(OptionalLong.of(0)).run("create or upgrade the ledger", () -> {
          throw outage;
        }));
    assertSame(outage, thrown);
    assertEquals(List.of(), slept);
  }

  @Test
  void anInterruptEndsTheWaitAndStaysSet() {
    StartupRetry interrupted = new StartupRetry("j", OptionalLong.empty(), new Backoff(100, 1_000), millis -> {
      throw new InterruptedException();
    }, () -> 0L);
    OnceflowException thrown = assertThrows(OnceflowException.class,
        () -> interrupted.run("reach Kafka", () -> {
          throw adminShutdown();
        }));
    assertTrue(Thread.interrupted(), "the interrupt flag is set again");
    assertTrue(thrown.getMessage().contains("Interrupted while waiting to retry to reach Kafka"), thrown.getMessage());
  }
}
