package io.onceflow.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BatchCapTest {
  @Test
  void theSizeCapAloneWhenNothingElseIsSet() {
    assertEquals(new BatchCap(1_000, BatchCap.Limit.SIZE), BatchCap.of(1_000, 0, 500, 0));
  }

  @Test
  void aRateLimitCapsARangeAtTheRateTimesTheInterval() {
    assertEquals(new BatchCap(250, BatchCap.Limit.RATE), BatchCap.of(1_000, 500, 500, 0));
  }

  @Test
  void aRateLimitNeverRaisesTheSizeCap() {
    assertEquals(new BatchCap(1_000, BatchCap.Limit.SIZE), BatchCap.of(1_000, 1_000_000, 1_000, 0));
  }

  @Test
  void aTinyRateStillPlansOneRecord() {
    assertEquals(new BatchCap(1, BatchCap.Limit.RATE), BatchCap.of(1_000, 1, 100, 0));
  }

  @Test
  void backpressureLowersTheCapBelowTheRateLimitButNeverAboveIt() {
    assertEquals(new BatchCap(100, BatchCap.Limit.BACKPRESSURE), BatchCap.of(1_000, 500, 1_000, 100.7));
    assertEquals(new BatchCap(500, BatchCap.Limit.RATE), BatchCap.of(1_000, 500, 1_000, 900));
    assertEquals(new BatchCap(1_000, BatchCap.Limit.SIZE), BatchCap.of(1_000, 0, 1_000, 5_000));
  }

  @Test
  void refusesAnEmptyCap() {
    assertThrows(IllegalArgumentException.class, () -> new BatchCap(0, BatchCap.Limit.SIZE));
  }
}
