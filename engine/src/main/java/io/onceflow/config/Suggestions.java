package io.onceflow.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean …?" for a misspelt key: the candidate at the smallest edit distance, if it is close
 * enough to be a plausible typo rather than a different word.
 */
final class Suggestions {

  private Suggestions() {}

  /**
   * The closest candidate, compared ignoring case, when its distance is at most a third of the
   * input's length (and at least 3 edits are allowed): {@code batch.interval} finds {@code
   * batch.interval.ms}, {@code foo} finds nothing. Ties go to the first candidate in order.
   */
  static Optional<String> closest(String input, Collection<String> candidates) {
    String needle = input.toLowerCase(Locale.ROOT);
    int limit = Math.max(3, input.length() / 3);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d = distance(needle, candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return bestDistance <= limit ? Optional.of(best) : Optional.empty();
  }

  /**
   * Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
   * adjacent characters each cost one, so {@code wroker} is one edit from {@code worker}.
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
