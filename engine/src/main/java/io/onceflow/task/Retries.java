package io.onceflow.task;

import io.onceflow.api.OnceflowException;
import io.onceflow.kafka.KafkaErrors;
import io.onceflow.ledger.SqlErrors;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's one answer to "may this error go away if we try again?", and bounded retries of
 * one operation.
 *
 * <p>Retriable: the engine's own {@link io.onceflow.api.RetriableException}; database errors
 * {@link SqlErrors} calls retriable (connection lost, class {@code 08}, {@code 57P01} and the
 * other shutdown states, serialization failure {@code 40001}, deadlock {@code 40P01}, lock and
 * session timeouts); Kafka's retriable exceptions ({@link KafkaErrors}). Everything else is fatal
 * for the operation: a job's exception, a ledger inconsistency, deleted offsets, a missing right.
 *
 * <p>Retrying never loses or duplicates anything because every operation retried here is a whole
 * transaction from BEGIN (DESIGN §3), or an idempotent ledger update.
 */
public final class Retries {
  private static final Logger log = LoggerFactory.getLogger(Retries.class);

  private Retries() {}

  public static boolean isRetriable(Throwable error) {
    if (error instanceof FatalJobException) {
      return false;
    }
    return SqlErrors.isRetriable(error) || KafkaErrors.isRetriable(error);
  }

  /** Something that sleeps; tests pass one that records instead of waiting. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  /**
   * Runs {@code action} until it succeeds, fails with a fatal error, or has failed {@code
   * maxAttempts} times with retriable ones, waiting {@link Backoff#next()} between attempts and
   * logging attempt/max and the delay. An interrupt stops the retries at once, with the thread's
   * interrupt flag set again.
   *
   * @throws OnceflowException naming {@code operation}, with the last error as its cause
   */
  public static <T> T call(
      String operation, int maxAttempts, Backoff backoff, Sleeper sleeper, Callable<T> action) {
    for (int attempt = 1; ; attempt++) {
      try {
        return action.call();
      } catch (Exception e) {
        if (!isRetriable(e)) {
          throw e instanceof OnceflowException known ? known : new OnceflowException(
              "Could not " + operation + ": " + e, e);
        }
        if (attempt >= maxAttempts) {
          throw new OnceflowException(
              "Could not " + operation + " after " + maxAttempts + " attempts: " + e.getMessage(), e);
        }
        long delay = backoff.next();
        log.warn("Could not {} (attempt {}/{}), retrying in {} ms: {}", operation, attempt, maxAttempts,
            delay, e.getMessage());
        try {
          sleeper.sleep(delay);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new OnceflowException("Interrupted while retrying to " + operation, e);
        }
      }
    }
  }
}
