package io.onceflow.crash;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/failures.md ("What happens when…") must describe every crash point, so that the
 * documentation and the crash-point matrix (CrashPointMatrixIT) cannot drift apart.
 */
class FailuresDocTest {
  private static final Path DOC = Path.of("..", "docs", "failures.md");

  @Test
  void everyCrashPointHasARowInTheFailuresTable() throws IOException {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    List<String> missing =
        Arrays.stream(CrashPoint.values())
            .map(CrashPoint::id)
            .filter(id -> !doc.contains("| `" + id + "` |"))
            .toList();
    assertTrue(missing.isEmpty(), DOC.toAbsolutePath().normalize() + " has no row for " + missing);
  }
}
