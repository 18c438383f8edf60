package io.onceflow.plan;

import io.onceflow.ledger.CompletedBatch;
import java.util.OptionalDouble;

/**
 * Backpressure: how many records per second one partition's tasks are processed at, estimated
 * from the batches that complete, so the planner can size the next batch to take about one
 * interval.
 *
 * <p>A PI controller in the manner of Spark's {@code PIDRateEstimator} (the idea, not its code).
 * For each completed batch the processing rate is {@code largestRange / processingTime} (the
 * largest range is the one the per-partition cap bounded; tasks of one batch run side by side).
 * Then
 *
 * <pre>
 *   error      = rate - processingRate                       (planned faster than processed)
 *   backlog    = schedulingDelay * processingRate / interval (records queued behind, per interval)
 *   rate'      = max(minRate, rate - P * error - I * backlog)
 * </pre>
 *
 * With {@code P = 1} the rate follows what the workers just did, and the integral term takes off
 * what has piled up (the scheduling delay), so the delay stops growing and drains. The derivative
 * term is left out: Spark's default gain for it is 0 too.
 *
 * <p>Two deliberate differences. There is no estimate until a batch shows the workers falling
 * behind (processing or scheduling delay longer than the interval): a job that keeps up is never
 * throttled by the noise of small batches. And a batch that kept up and was not bounded by the cap
 * never lowers the estimate: it shows only that there was little to do.
 *
 * <p>Pure and deterministic: the caller passes every observation. Not thread-safe; confined to
 * the driver thread.
 */
final class RateEstimator {
  static final double PROPORTIONAL = 1.0;
  static final double INTEGRAL = 0.2;

  private final long intervalMs;
  private final double minRate;
  private double rate = Double.NaN;

  /**
   * @param intervalMs the batch interval
   * @param minRecordsPerBatch the smallest per-partition cap backpressure may set (at least 1)
   */
  RateEstimator(long intervalMs, long minRecordsPerBatch) {
    if (intervalMs <= 0 || minRecordsPerBatch <= 0) {
      throw new IllegalArgumentException("intervalMs and minRecordsPerBatch must be > 0");
    }
    this.intervalMs = intervalMs;
    this.minRate = minRecordsPerBatch * 1000.0 / intervalMs;
  }

  /**
   * Takes one completed batch into account.
   *
   * @param capInForce the per-partition cap the planner applied when it planned the batch
   */
  void observe(CompletedBatch batch, long capInForce) {
    if (batch.largestRange() <= 0 || batch.processingMs() <= 0) {
      return; // too fast to measure: nothing learnt
    }
    double processingRate = batch.largestRange() * 1000.0 / batch.processingMs();
    boolean behind = batch.processingMs() > intervalMs || batch.schedulingDelayMs() > intervalMs;
    if (Double.isNaN(rate)) {
      if (behind) {
        rate = Math.max(minRate, processingRate);
      }
      return;
    }
    double error = rate - processingRate;
    double backlog = batch.schedulingDelayMs() * processingRate / intervalMs;
    double next = Math.max(minRate, rate - PROPORTIONAL * error - INTEGRAL * backlog);
    boolean bounded = batch.largestRange() >= capInForce;
    if (!behind && !bounded) {
      next = Math.max(next, rate);
    }
    rate = next;
  }

  /** The estimated records per second per partition; empty until the workers fell behind once. */
  OptionalDouble rate() {
    return Double.isNaN(rate) ? OptionalDouble.empty() : OptionalDouble.of(rate);
  }

  /** The estimate as a per-batch cap (at least 1); empty when there is no estimate. */
  OptionalDouble recordsPerBatch() {
    return Double.isNaN(rate)
        ? OptionalDouble.empty()
        : OptionalDouble.of(Math.max(1, Math.floor(rate * intervalMs / 1000.0)));
  }
}
