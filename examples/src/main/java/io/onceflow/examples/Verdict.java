package io.onceflow.examples;

/**
 * The outcome of checking a sink against the ground truth. A benchmark run counts only if it
 * passed; {@code summary} is one line fit for a report: the totals on success, the first few
 * mismatches on failure.
 */
public record Verdict(boolean passed, String summary) {

  static Verdict pass(String summary) {
    return new Verdict(true, summary);
  }

  static Verdict fail(String summary) {
    return new Verdict(false, summary);
  }

  @Override
  public String toString() {
    return (passed ? "PASSED: " : "FAILED: ") + summary;
  }
}
