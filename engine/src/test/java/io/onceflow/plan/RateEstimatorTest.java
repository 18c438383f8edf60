package io.onceflow.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.ledger.CompletedBatch;
import org.junit.jupiter.api.Test;

class RateEstimatorTest {
  private static final long INTERVAL_MS = 1_000;
  private static final long NO_CAP = 100_000;

  private static CompletedBatch batch(long id, long records, long delayMs, long processingMs) {
    return new CompletedBatch(id, records, records, delayMs, processingMs);
  }

  /** A worker that processes {@code perSecond} records of a partition per second, plus overhead. */
  private static long processingMs(long records, long perSecond) {
    return 20 + records * 1000 / perSecond;
  }

  @Test
  void hasNoEstimateWhileBatchesKeepUp() {
    RateEstimator e = new RateEstimator(INTERVAL_MS, 1);
    e.observe(batch(1, 500, 10, 200), NO_CAP);
    e.observe(batch(2, 50, 5, 40), NO_CAP);
    assertTrue(e.recordsPerBatch().isEmpty(), "a job that keeps up is never throttled");
  }

  @Test
  void aBatchSlowerThanTheIntervalSetsTheCapToWhatWasProcessedInOneInterval() {
    RateEstimator e = new RateEstimator(INTERVAL_MS, 1);
    e.observe(batch(1, 10_000, 0, 5_000), NO_CAP); // 2,000 records/s
    assertEquals(2_000, e.recordsPerBatch().getAsDouble());
  }

  @Test
  void schedulingDelayLowersTheCapBelowTheProcessingRateSoTheQueueDrains() {
    RateEstimator e = new RateEstimator(INTERVAL_MS, 1);
    e.observe(batch(1, 4_000, 0, 2_000), NO_CAP); // 2,000/s
    e.observe(batch(2, 2_000, 1_000, 1_000), 2_000); // still 2,000/s, but 1 s behind
    double cap = e.recordsPerBatch().getAsDouble();
    assertTrue(cap < 2_000, "the integral term takes off the backlog: " + cap);
    assertTrue(cap >= 1_500, "but not more than the delay calls for: " + cap);
  }

  @Test
  void convergesSoThatBatchesTakeAboutOneIntervalAndTheDelayStopsGrowing() {
    RateEstimator e = new RateEstimator(INTERVAL_MS, 1);
    long capacity = 3_000; // records per second the workers manage
    long cap = NO_CAP;
    long backlogMs = 0; // how far planning runs ahead of processing
    long available = 50_000; // a big backlog: every batch is as large as the cap allows
    for (int id = 1; id <= 40; id++) {
      long records = Math.min(cap, available);
      long processing = processingMs(records, capacity);
      e.observe(batch(id, records, backlogMs, processing), cap);
      backlogMs = Math.max(0, backlogMs + processing - INTERVAL_MS);
      cap = (long) e.recordsPerBatch().orElse(NO_CAP);
    }
    long lastProcessing = processingMs(cap, capacity);
    assertTrue(lastProcessing <= INTERVAL_MS, "a batch fits in the interval: " + lastProcessing);
    assertTrue(cap >= capacity * 8 / 10, "and is not throttled far below capacity: " + cap);
    assertEquals(0, backlogMs, "the scheduling delay has drained");
  }

  @Test
  void growsBackWhenTheWorkersSpeedUp() {
    RateEstimator e = new RateEstimator(INTERVAL_MS, 1);
    e.observe(batch(1, 1_000, 0, 2_000), NO_CAP); // 500/s: cap 500
    assertEquals(500, e.recordsPerBatch().getAsDouble());
    e.observe(batch(2, 500, 0, 100), 500); // the cap bounded it, and it took 0.1 s: 5,000/s
    assertEquals(5_000, e.recordsPerBatch().getAsDouble());
  }

  @Test
  void aSmallFastBatchNotBoundedByTheCapNeverLowersIt() {
    RateEstimator e = new RateEstimator(INTERVAL_MS, 1);
    e.observe(batch(1, 4_000, 0, 2_000), NO_CAP); // 2,000/s
    e.observe(batch(2, 10, 0, 50), 2_000); // little data: 200/s measured, says nothing
    assertEquals(2_000, e.recordsPerBatch().getAsDouble());
  }

  @Test
  void neverGoesBelowTheMinimum() {
    RateEstimator e = new RateEstimator(INTERVAL_MS, 5);
    e.observe(batch(1, 10, 0, 60_000), NO_CAP);
    e.observe(batch(2, 5, 600_000, 60_000), 5);
    assertEquals(5, e.recordsPerBatch().getAsDouble());
  }
}
