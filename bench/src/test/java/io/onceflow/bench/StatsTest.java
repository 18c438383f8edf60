package io.onceflow.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(2.0, Stats.median(3, 1, 2));
    assertEquals(2.5, Stats.median(4, 1, 3, 2));
    assertTrue(Double.isNaN(Stats.median()));
  }

  @Test
  void nearestRankPercentile() {
    double[] values = new double[100];
    for (int i = 0; i < 100; i++) {
      values[i] = 100 - i; // 1 … 100, unsorted
    }
    assertEquals(50.0, Stats.percentile(values, 50));
    assertEquals(99.0, Stats.percentile(values, 99));
    assertEquals(100.0, Stats.percentile(values, 100));
    assertEquals(7.0, Stats.percentile(new double[] {7}, 99));
  }

  @Test
  void histogramPercentilesMatchTheSortedValues() {
    Stats.MillisHistogram h = new Stats.MillisHistogram(1000);
    for (int ms = 1; ms <= 100; ms++) {
      h.add(ms);
    }
    assertEquals(50, h.percentile(50));
    assertEquals(99, h.percentile(99));
    assertEquals(100, h.count());
  }

  @Test
  void histogramClampsOutOfRangeValues() {
    Stats.MillisHistogram h = new Stats.MillisHistogram(10);
    h.add(-5);
    h.add(50);
    assertEquals(0, h.percentile(50));
    assertEquals(10, h.percentile(100));
  }
}
