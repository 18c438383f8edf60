package io.onceflow.examples;

/**
 * Walks the APPEND table's rows in {@code (partition, offset)} order alongside every position the
 * workload produced, so gaps, duplicates, strays and wrong values are all found in one pass.
 *
 * <p>The cursor is the next position not yet accounted for; a row ahead of it means the positions
 * in between are missing (unless their record is malformed), a row behind it is a duplicate.
 */
final class AppendChecker {

  private final PartitionLayout layout;
  private final Workload workload;
  private final Mismatches mismatches = new Mismatches();

  private int partition;
  private long offset;
  private long rows;

  AppendChecker(PartitionLayout layout, Workload workload) {
    this.layout = layout;
    this.workload = workload;
    this.offset = -1;
    advance();
  }

  /** One row in COPY text format: {@code partition \t offset \t user_id \t amount \t ts}. */
  void row(String line) {
    rows++;
    String[] fields = line.split("\t", -1);
    int p;
    long o;
    try {
      p = Integer.parseInt(fields[0]);
      o = Long.parseLong(fields[1]);
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      mismatches.add("unreadable row '" + line + "'");
      return;
    }
    String at = p + "@" + o;
    if (fields.length != 5) {
      mismatches.add("unreadable row '" + line + "'");
      return;
    }
    if (p < 0 || p >= layout.partitions() || o < 0 || o >= layout.count(p)) {
      mismatches.add("unexpected row at " + at + ": no record was produced there");
      return;
    }
    if (compare(p, o, partition, offset) < 0) {
      mismatches.add("duplicate row at " + at);
      return;
    }
    while (compare(partition, offset, p, o) < 0) {
      absent();
      advance();
    }
    long i = layout.indexAt(p, o);
    if (workload.isMalformed(i)) {
      mismatches.add(
          "row at " + at + " holds malformed record " + i + " (expected as a dead letter)");
    } else {
      expect(fields[2], workload.user(i), "user_id", at, i);
      expect(fields[3], Long.toString(Workload.amount(i)), "amount", at, i);
      expect(fields[4], Long.toString(Workload.ts(i)), "ts", at, i);
    }
    advance();
  }

  Verdict finish(long n, long malformed) {
    while (partition < layout.partitions()) {
      absent();
      advance();
    }
    long expectedRows = n - malformed;
    if (rows != expectedRows) {
      mismatches.addFirst(
          "COUNT(*) = "
              + rows
              + ", expected "
              + expectedRows
              + (malformed > 0 ? " (n minus " + malformed + " malformed)" : ""));
    }
    return mismatches.verdict(
        expectedRows
            + " rows over "
            + layout.partitions()
            + " partitions, every (partition, offset) once with the formula's values: exact match"
            + GroundTruth.excludedNote(malformed));
  }

  private void absent() {
    long i = layout.indexAt(partition, offset);
    if (!workload.isMalformed(i)) {
      mismatches.add("missing record " + i + " at " + partition + "@" + offset);
    }
  }

  private void expect(String actual, String expected, String column, String at, long i) {
    if (!expected.equals(actual)) {
      mismatches.add(
          "row at "
              + at
              + " (record "
              + i
              + "): "
              + column
              + " "
              + actual
              + ", expected "
              + expected);
    }
  }

  /** Moves the cursor to the next produced position, skipping empty partitions. */
  private void advance() {
    offset++;
    while (partition < layout.partitions() && offset >= layout.count(partition)) {
      partition++;
      offset = 0;
    }
  }

  private static int compare(int p1, long o1, int p2, long o2) {
    return p1 != p2 ? Integer.compare(p1, p2) : Long.compare(o1, o2);
  }
}
