package io.onceflow.task;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IdleBackoffTest {

  private static long longestOf(Backoff backoff) {
    long max = 0;
    for (int i = 0; i < 50; i++) {
      max = Math.max(max, backoff.next());
    }
    return max;
  }

  @Test
  void anIdleWorkerAsksAgainWithinAQuarterOfTheInterval() {
    assertTrue(longestOf(WorkerThread.idleBackoff(100)) <= 25);
    assertTrue(longestOf(WorkerThread.idleBackoff(10)) <= 5);
  }

  @Test
  void atLongIntervalsTheCeilingStays200Ms() {
    long longest = longestOf(WorkerThread.idleBackoff(1_000));
    assertTrue(longest <= 200 && longest > 25, "longest idle wait " + longest);
  }
}
