package io.onceflow.task;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter, between a floor and a ceiling (milliseconds). */
final class Backoff {
  private final long floorMs;
  private final long ceilingMs;
  private long current;

  Backoff(long floorMs, long ceilingMs) {
    this.floorMs = floorMs;
    this.ceilingMs = ceilingMs;
    this.current = floorMs;
  }

  long next() {
    long value = current;
    current = Math.min(ceilingMs, current * 2);
    // Full jitter in the upper half keeps competing workers from retrying in lockstep.
    return value / 2 + ThreadLocalRandom.current().nextLong(value / 2 + 1);
  }

  void reset() {
    current = floorMs;
  }
}
