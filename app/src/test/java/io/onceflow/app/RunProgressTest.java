package io.onceflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RunProgressTest {
  @Test
  void showsCommittedRateLagAndEtaWhileCatchingUp() {
    assertEquals(
        "  1,240,000 records committed, 41,200 records/s, lag 310,000, ETA 8 s",
        RunProgress.format(1_240_000, 41_200, 310_000L));
  }

  @Test
  void saysCaughtUpWithoutALagAndUnknownBeforeTheDriverReadKafka() {
    assertEquals("  10 records committed, 0 records/s, caught up", RunProgress.format(10, 0, 0L));
    assertEquals("  0 records committed, 0 records/s, lag unknown", RunProgress.format(0, 0, null));
  }

  @Test
  void leavesOutTheEtaWhenNothingMoves() {
    assertEquals("  0 records committed, 0 records/s, lag 5", RunProgress.format(0, 0, 5L));
  }

  @Test
  void etaReadsInTheLargestUsefulUnits() {
    assertEquals("59 s", RunProgress.eta(59));
    assertEquals("2 min 5 s", RunProgress.eta(125));
    assertEquals("3 h 2 min", RunProgress.eta(3 * 3600 + 125));
  }
}
