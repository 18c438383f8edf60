package io.onceflow.runtime;

import io.onceflow.api.OnceflowException;
import io.onceflow.task.Backoff;
import io.onceflow.task.Retries;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up's steps (reaching Kafka, opening the pool, migrating the ledger, looking up the job)
 * retried while a server is away, as the running engine retries its own: a database or broker
 * restart while a process starts is an outage, not a reason to exit.
 *
 * <p>What is retried is what {@link Retries#isRetriable} calls retriable (connection refused or
 * reset, {@code 57P01}, {@code 57P03}, Kafka timeouts); everything else (a bad configuration, a
 * wrong password, a missing right, an unknown database) fails at the first attempt. Each retry
 * logs a WARN with the step, the attempt, the bound and the error. Every step is safe to repeat:
 * a Flyway migration is one transaction per version and serialized by its lock, the job lookup
 * only reads, a failed pool is never returned.
 *
 * <p>Bounded by {@code startup.retry.max.ms}, counted from the start; unbounded when it is unset
 * (SIGTERM ends the wait). Not thread-safe: one per start-up.
 */
final class StartupRetry {
  private static final Logger log = LoggerFactory.getLogger(StartupRetry.class);

  private final String job;
  private final OptionalLong maxMs;
  private final Backoff backoff;
  private final Retries.Sleeper sleeper;
  private final LongSupplier nanoClock;
  private final long startedNanos;

  StartupRetry(
      String job, OptionalLong maxMs, Backoff backoff, Retries.Sleeper sleeper, LongSupplier nanoClock) {
    this.job = job;
    this.maxMs = maxMs;
    this.backoff = backoff;
    this.sleeper = sleeper;
    this.nanoClock = nanoClock;
    this.startedNanos = nanoClock.getAsLong();
  }

  /** The production retry: the driver's outage backoff (0.5 to 10 s), real time. */
  static StartupRetry forJob(String job, OptionalLong maxMs) {
    return new StartupRetry(job, maxMs, new Backoff(500, 10_000), Thread::sleep, System::nanoTime);
  }

  /**
   * Runs {@code action} until it returns, fails with an error that is not retriable (thrown as
   * is), or the bound is spent (the last error, saying so).
   *
   * @param step what the action does, for the log: "reach Kafka", "create or upgrade the ledger"
   */
  <T> T call(String step, Supplier<T> action) {
    backoff.reset();
    while (true) {
      try {
        return action.get();
      } catch (RuntimeException e) {
        if (!Retries.isRetriable(e)) {
          throw e;
        }
        long delay = backoff.next();
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - startedNanos);
        if (maxMs.isPresent() && elapsedMs + delay > maxMs.getAsLong()) {
          throw givingUp(e, elapsedMs);
        }
        log.warn(
            "Start-up of job '{}' could not {} (attempt {}, {}), retrying in {} ms: {}",
            job, step, backoff.attempts(), bound(), delay, e.getMessage());
        sleep(delay, step, e);
      }
    }
  }

  /** {@link #call} for a step that returns nothing. */
  void run(String step, Runnable action) {
    call(step, () -> {
      action.run();
      return null;
    });
  }

  private String bound() {
    return maxMs.isPresent()
        ? "up to " + maxMs.getAsLong() + " ms from start: startup.retry.max.ms"
        : "unbounded: startup.retry.max.ms is unset";
  }

  private RuntimeException givingUp(RuntimeException last, long elapsedMs) {
    if (backoff.attempts() == 1 && maxMs.getAsLong() == 0) {
      return last; // no retries asked for: the error as it is
    }
    return new OnceflowException(
        last.getMessage() + " Start-up gave up after " + backoff.attempts() + " attempts in "
            + elapsedMs + " ms (startup.retry.max.ms=" + maxMs.getAsLong() + ").",
        last);
  }

  private void sleep(long delay, String step, RuntimeException last) {
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new OnceflowException("Interrupted while waiting to retry to " + step, last);
    }
  }
}
