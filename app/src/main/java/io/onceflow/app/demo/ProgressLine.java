package io.onceflow.app.demo;

import io.onceflow.ledger.LedgerAdmin.Progress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress line: the demo's (records committed out of the total, batches, tasks and the rate,
 * see {@link #show(Progress, double)}) and {@code run}'s ({@link io.onceflow.app.RunProgress}, any
 * text through {@link #show(String)}).
 *
 * <p>On a terminal the line is rewritten in place with {@code \r}, so a run reads as one moving
 * line; anywhere else (a pipe, a CI log, a file) each update is a line of its own, since a
 * carriage return there just glues the updates together into one unreadable line.
 *
 * <p>Confined to the thread that runs the demo.
 */
public final class ProgressLine {
  private final PrintWriter out;
  private final boolean overwrite;
  private final long total;
  private int shownWidth;

  /**
   * @param overwrite rewrite one line in place (a terminal) instead of printing a line per update
   * @param total the demo's record count; unused by {@link #show(String)}
   */
  public ProgressLine(PrintWriter out, boolean overwrite, long total) {
    this.out = out;
    this.overwrite = overwrite;
    this.total = total;
  }

  /** Shows {@code progress}, {@code seconds} after the engine started. */
  void show(Progress progress, double seconds) {
    show(format(progress, total, seconds));
  }

  /** Shows {@code text} as the current progress. */
  public void show(String text) {
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
  public void end() {
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
