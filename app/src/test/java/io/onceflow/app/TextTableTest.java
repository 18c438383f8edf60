package io.onceflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TextTableTest {
  @Test
  void padsColumnsAndRightAlignsNumbers() {
    StringWriter out = new StringWriter();
    new TextTable("PARTITION", "LAG", "STATE")
        .row("events-0", 5, "running")
        .row("events-10", 12345, null)
        .print(new PrintWriter(out, true));
    assertEquals(
        String.join(
            System.lineSeparator(),
            "  PARTITION  LAG    STATE",
            "  events-0       5  running",
            "  events-10  12345  -",
            ""),
        out.toString());
  }
}
