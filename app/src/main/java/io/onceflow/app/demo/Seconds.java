package io.onceflow.app.demo;

import java.util.Locale;

/** Elapsed time as the demo prints it: "3.2 s". */
final class Seconds {
  private Seconds() {}

  static double between(long startNanos, long endNanos) {
    return (endNanos - startNanos) / 1e9;
  }

  static String since(long startNanos) {
    return format(between(startNanos, System.nanoTime()));
  }

  static String format(double seconds) {
    return String.format(Locale.ROOT, "%.1f s", seconds);
  }
}
