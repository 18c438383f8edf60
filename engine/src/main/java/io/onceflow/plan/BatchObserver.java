package io.onceflow.plan;

import io.onceflow.ledger.BatchHistory;
import io.onceflow.ledger.CompletedBatch;
import io.onceflow.metrics.EngineMetrics;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The driver's look back: which planned batches have completed since the last look, reported as
 * metrics (processing time, scheduling delay) and fed to backpressure.
 *
 * <p>Batches may complete out of order (another partition's task of a later batch can commit
 * first), so it keeps a watermark below which every batch has been seen, plus the ids seen above
 * it.
 *
 * <p>Not thread-safe: confined to the driver thread.
 */
final class BatchObserver {
  private static final int MAX_REMEMBERED = 10_000;

  private final BatchHistory history;
  private final String job;
  private final EngineMetrics metrics;
  private final Optional<RateEstimator> estimator;
  private final Map<Long, Long> capByBatch = new HashMap<>();
  private final TreeSet<Long> seenAbove = new TreeSet<>();
  private long watermark = -1;

  BatchObserver(BatchHistory history, String job, EngineMetrics metrics, Optional<RateEstimator> estimator) {
    this.history = history;
    this.job = job;
    this.metrics = metrics;
    this.estimator = estimator;
  }

  /** Remembers the cap a batch was planned with, for the estimator. */
  void planned(long batchId, long cap) {
    if (capByBatch.size() < MAX_REMEMBERED) {
      capByBatch.put(batchId, cap);
    }
  }

  /** Reads the batches completed since the last call and reports them. */
  void look(long currentCap) {
    if (watermark < 0) {
      watermark = history.completeUpTo(job);
    }
    for (CompletedBatch batch : history.completedAfter(job, watermark)) {
      if (!seenAbove.add(batch.batchId())) {
        continue;
      }
      metrics.batchCompleted(batch);
      long cap = Optional.ofNullable(capByBatch.remove(batch.batchId())).orElse(currentCap);
      estimator.ifPresent(e -> e.observe(batch, cap));
    }
    while (seenAbove.remove(watermark + 1)) {
      watermark++;
    }
    if (seenAbove.size() > MAX_REMEMBERED) {
      // a batch below never completes (its tasks were removed by an offset reset): move on
      watermark = seenAbove.pollLast();
      seenAbove.clear();
    }
  }

  /** Forgets what it saw, for a new term as leader: the ledger may have moved meanwhile. */
  void reset() {
    watermark = -1;
    seenAbove.clear();
    capByBatch.clear();
  }
}
