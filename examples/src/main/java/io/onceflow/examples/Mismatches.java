package io.onceflow.examples;

import java.util.ArrayList;
import java.util.List;

/** Counts every mismatch a verification finds but keeps only the first few for the report. */
final class Mismatches {

  private static final int REPORTED = 5;

  private final List<String> first = new ArrayList<>(REPORTED);
  private long count;

  void add(String mismatch) {
    count++;
    if (first.size() < REPORTED) {
      first.add(mismatch);
    }
  }

  /** A mismatch that sums up the others (a wrong total): reported before them. */
  void addFirst(String mismatch) {
    count++;
    first.add(0, mismatch);
    if (first.size() > REPORTED) {
      first.remove(REPORTED);
    }
  }

  Verdict verdict(String passSummary) {
    if (count == 0) {
      return Verdict.pass(passSummary);
    }
    return Verdict.fail(
        count
            + (count == 1 ? " mismatch: " : " mismatches: ")
            + String.join("; ", first)
            + (count > first.size() ? "; …" : ""));
  }
}
