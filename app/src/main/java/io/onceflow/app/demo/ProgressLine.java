package io.onceflow.app.demo;

import io.onceflow.ledger.LedgerAdmin.Progress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The demo's progress: records committed out of the total, batches, tasks and the rate.
 *
 * <p>On a terminal the line is rewritten in place with {@code \r}, so a run reads as one moving
 * line; anywhere else (a pipe, a CI log, a file) each update is a line of its own, since a
 * carriage return there just glues the updates together into one unreadable line.
 *
 * <p>Confined to the thread that runs the demo.
 */
final class ProgressLine {
  private final PrintWriter out;
  private final boolean overwrite;
  private final long total;
  private int shownWidth;

  ProgressLine(PrintWriter out, boolean overwrite, long total) {
    this.out = out;
    this.overwrite = overwrite;
    this.total = total;
  }

  /** Shows {@code progress}, {@code seconds} after the engine started. */
  void show(Progress progress, double seconds) {
    String text = format(progress, total, seconds);
    if (overwrite) {
      // pad over the tail of a longer previous line
      out.print("\r" + text + " ".repeat(Math.max(0, shownWidth - text.length())));
      shownWidth = text.length();
    } else {
      out.println(text);
    }
    out.flush();
  }

  /** Ends an overwritten line, so what follows starts on a line of its own. */
  void end() {
    if (overwrite && shownWidth > 0) {
      out.println();
      out.flush();
      shownWidth = 0;
    }
  }

  static String format(Progress progress, long total, double seconds) {
    long committed = progress.committedOffsets();
    long percent = total == 0 ? 100 : Math.min(100, committed * 100 / total);
    double rate = seconds > 0 ? committed / seconds : 0;
    String text =
        String.format(
            Locale.ROOT,
            "  %,d / %,d records committed (%d%%), %,d batches, %,d tasks, %,.0f records/s",
            committed,
            total,
            percent,
            progress.batches(),
            progress.committedTasks(),
            rate);
    return progress.deadLetters() == 0
        ? text
        : text + String.format(Locale.ROOT, ", %,d dead letters", progress.deadLetters());
  }
}
