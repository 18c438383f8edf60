package io.onceflow.task;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with jitter, between a floor and a ceiling (milliseconds): the n-th delay
 * is drawn from the upper half of {@code min(ceiling, floor * 2^(n-1))}.
 *
 * <p>Jitter keeps competing workers from retrying in lockstep after a shared outage; keeping the
 * lower half empty keeps the wait from collapsing to nothing. Not thread-safe: one per retry loop.
 */
public final class Backoff {
  private final long floorMs;
  private final long ceilingMs;
  private final LongUnaryOperator random;
  private long current;
  private int attempts;

  public Backoff(long floorMs, long ceilingMs) {
    this(floorMs, ceilingMs, bound -> ThreadLocalRandom.current().nextLong(bound));
  }

  /** @param random returns a value in {@code [0, bound)} for a bound it is given */
  Backoff(long floorMs, long ceilingMs, LongUnaryOperator random) {
    if (floorMs < 1 || ceilingMs < floorMs) {
      throw new IllegalArgumentException(
          "backoff needs 1 <= floor <= ceiling, was " + floorMs + " and " + ceilingMs);
    }
    this.floorMs = floorMs;
    this.ceilingMs = ceilingMs;
    this.random = random;
    this.current = floorMs;
  }

  /** The next delay; each call doubles the range, up to the ceiling. */
  public long next() {
    long value = current;
    current = Math.min(ceilingMs, current * 2);
    attempts++;
    return value / 2 + random.applyAsLong(value / 2 + 1);
  }

  /** How many delays were handed out since the last {@link #reset()}: the retry's attempt. */
  public int attempts() {
    return attempts;
  }

  /** Back to the floor, after a success. */
  public void reset() {
    current = floorMs;
    attempts = 0;
  }
}
