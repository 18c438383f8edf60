package io.onceflow.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

  @Test
  void replacesOnlyTheResultsSection(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("BENCHMARKS.md");
    Files.writeString(
        file, "# Benchmarks\n\nbefore\n\n" + Report.BEGIN + "\nold\n" + Report.END + "\n\nafter\n");
    Report.updateSection(file, "new table\n");
    assertEquals(
        "# Benchmarks\n\nbefore\n\n" + Report.BEGIN + "\nnew table\n" + Report.END + "\n\nafter\n",
        Files.readString(file));
  }

  @Test
  void appendsASectionWhenThereIsNone(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("BENCHMARKS.md");
    Report.updateSection(file, "table");
    String text = Files.readString(file);
    assertTrue(text.startsWith("# Benchmarks"));
    assertTrue(text.contains(Report.BEGIN + "\ntable\n" + Report.END));
  }
}
