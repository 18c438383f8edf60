package io.onceflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LedgerCommandTest {

  @Test
  void ageTakesAUnitOrMilliseconds() {
    assertEquals(7L * 24 * 3600 * 1000, LedgerCommand.Prune.ageMs("7d"));
    assertEquals(12L * 3600 * 1000, LedgerCommand.Prune.ageMs("12h"));
    assertEquals(30L * 60 * 1000, LedgerCommand.Prune.ageMs("30m"));
    assertEquals(90_000, LedgerCommand.Prune.ageMs("90s"));
    assertEquals(500, LedgerCommand.Prune.ageMs("500ms"));
    assertEquals(250, LedgerCommand.Prune.ageMs("250"));
    assertEquals(0, LedgerCommand.Prune.ageMs("0"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "7x", "-1", "1.5h", "d"})
  void aBadAgeIsRefused(String age) {
    assertThrows(IllegalArgumentException.class, () -> LedgerCommand.Prune.ageMs(age));
  }

  @Test
  void aBadAgeIsAUsageErrorBeforeAnythingIsOpened() {
    Cli cli = Cli.run("ledger", "prune", "--older-than", "7x");
    assertEquals(ExitCodes.CONFIG, cli.exitCode, cli::toString);
    assertTrue(cli.err.contains("--older-than: expected a number with ms, s, m, h or d"), cli::toString);
  }

  @Test
  void pruneHasHelp() {
    Cli cli = Cli.run("ledger", "prune", "--help");
    assertEquals(ExitCodes.OK, cli.exitCode, cli::toString);
    assertTrue(cli.out.startsWith("Usage: onceflow ledger prune"), cli::toString);
    assertTrue(cli.out.contains("--older-than=AGE"), cli::toString);
  }
}
