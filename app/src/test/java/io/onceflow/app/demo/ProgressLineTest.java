package io.onceflow.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.ledger.LedgerAdmin.Progress;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

  @Test
  void showsCommittedOutOfTotalBatchesTasksAndRate() {
    assertEquals(
        "  50,000 / 200,000 records committed (25%), 3 batches, 20 tasks, 25,000 records/s",
        ProgressLine.format(new Progress(50_000, 3, 20, 0), 200_000, 2.0));
  }

  @Test
  void mentionsDeadLettersOnlyWhenThereAreSome() {
    assertTrue(
        ProgressLine.format(new Progress(10, 1, 1, 2), 10, 1.0).endsWith(", 2 dead letters"));
  }

  @Test
  void rateIsZeroBeforeAnyTimePassed() {
    assertTrue(ProgressLine.format(new Progress(0, 0, 0, 0), 10, 0).endsWith(" 0 records/s"));
  }

  @Test
  void onATerminalRewritesOneLine() {
    StringWriter text = new StringWriter();
    ProgressLine line = new ProgressLine(new PrintWriter(text), true, 1_000_000);
    line.show(new Progress(900_000, 10, 80, 0), 1.0);
    line.show(new Progress(1_000_000, 11, 88, 0), 2.0);
    line.end();
    String out = text.toString();
    assertEquals(2, out.chars().filter(c -> c == '\r').count(), out);
    assertEquals(1, out.chars().filter(c -> c == '\n').count(), "one line, ended once: " + out);
    assertTrue(out.endsWith(System.lineSeparator()), out);
  }

  @Test
  void elsewherePrintsOneLinePerUpdate() {
    StringWriter text = new StringWriter();
    ProgressLine line = new ProgressLine(new PrintWriter(text), false, 100);
    line.show(new Progress(50, 1, 1, 0), 1.0);
    line.show(new Progress(100, 2, 2, 0), 2.0);
    line.end();
    String out = text.toString();
    assertEquals(-1, out.indexOf('\r'), out);
    assertEquals(2, out.lines().count(), out);
  }
}
