package io.onceflow.bench;

import java.util.Arrays;

/** Pure helpers: medians, percentiles and a millisecond histogram. No I/O, no state. */
final class Stats {
  private Stats() {}

  /** The median of {@code values} (the mean of the middle two for an even count); NaN if empty. */
  static double median(double... values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /**
   * The nearest-rank percentile {@code p} (0 < p <= 100) of {@code values}: the smallest value
   * with at least p % of the values at or below it. NaN if empty.
   */
  static double percentile(double[] values, double p) {
    if (values.length == 0) {
      return Double.NaN;
    }
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], was " + p);
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /**
   * Counts of whole milliseconds, for latencies of millions of records: {@link #add} is O(1) and
   * {@link #percentile} is nearest-rank over everything added. Values below 0 count as 0; values
   * past the last bucket count in it.
   */
  static final class MillisHistogram {
    private final long[] counts;
    private long total;

    MillisHistogram(int maxMillis) {
      counts = new long[maxMillis + 1];
    }

    void add(long millis) {
      int bucket = (int) Math.max(0, Math.min(millis, counts.length - 1));
      counts[bucket]++;
      total++;
    }

    long count() {
      return total;
    }

    /** Nearest-rank percentile in ms; -1 when empty. */
    long percentile(double p) {
      if (total == 0) {
        return -1;
      }
      long rank = (long) Math.ceil(p / 100.0 * total);
      long seen = 0;
      for (int ms = 0; ms < counts.length; ms++) {
        seen += counts[ms];
        if (seen >= Math.max(1, rank)) {
          return ms;
        }
      }
      return counts.length - 1;
    }
  }
}
