package io.onceflow.plan;

/**
 * The per-partition cap of one batch and what set it.
 *
 * @param records the most offsets one partition's range may hold in the batch
 * @param limit which setting bounded it
 */
record BatchCap(long records, Limit limit) {

  /** What bounds a batch's ranges. */
  enum Limit {
    /** {@code batch.max.records.per.partition}: a backlog is caught up as fast as workers go. */
    SIZE,
    /** {@code source.max.rate.per.partition} times the interval. */
    RATE,
    /** The backpressure estimate of what the workers keep up with. */
    BACKPRESSURE
  }

  BatchCap {
    if (records <= 0) {
      throw new IllegalArgumentException("a batch cap must be > 0, was " + records);
    }
  }

  /**
   * The smallest of the three: the size cap, the static rate limit ({@code ratePerSecond} &le; 0
   * means none) and the backpressure estimate ({@code estimate} &le; 0 means none). A rate is
   * turned into records per batch by the interval, at least 1.
   */
  static BatchCap of(long maxRecords, long ratePerSecond, long intervalMs, double estimate) {
    BatchCap cap = new BatchCap(maxRecords, Limit.SIZE);
    if (ratePerSecond > 0) {
      long byRate = Math.max(1, (long) Math.floor(ratePerSecond * (intervalMs / 1000.0)));
      if (byRate < cap.records) {
        cap = new BatchCap(byRate, Limit.RATE);
      }
    }
    if (estimate > 0 && (long) estimate < cap.records) {
      cap = new BatchCap(Math.max(1, (long) estimate), Limit.BACKPRESSURE);
    }
    return cap;
  }
}
