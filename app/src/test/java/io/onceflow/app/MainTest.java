package io.onceflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void helpListsEveryCommand() {
    Cli cli = Cli.run("--help");
    assertEquals(ExitCodes.OK, cli.exitCode, cli::toString);
    for (String command : new String[] {"run", "driver", "worker", "demo"}) {
      assertTrue(cli.out.contains("  " + command + " "), () -> command + " missing in " + cli);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "driver", "worker", "demo"})
  void everyCommandHasHelp(String command) {
    Cli cli = Cli.run(command, "--help");
    assertEquals(ExitCodes.OK, cli.exitCode, cli::toString);
    assertTrue(cli.out.startsWith("Usage: onceflow " + command), cli::toString);
    assertTrue(cli.out.contains("Exit codes:"), cli::toString);
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "driver", "worker"})
  void engineCommandsTakeAConfigFile(String command) {
    Cli cli = Cli.run(command, "--help");
    assertTrue(cli.out.contains("--config=FILE"), cli::toString);
    assertTrue(cli.out.contains("ONCEFLOW_CONFIG"), cli::toString);
  }

  @Test
  void missingCommandIsAUsageError() {
    Cli cli = Cli.run();
    assertEquals(ExitCodes.CONFIG, cli.exitCode, cli::toString);
    assertTrue(cli.err.startsWith("Missing a command."), cli::toString);
  }

  @Test
  void unknownCommandIsAUsageError() {
    Cli cli = Cli.run("start");
    assertEquals(ExitCodes.CONFIG, cli.exitCode, cli::toString);
  }

  @Test
  void unknownOptionIsAUsageError() {
    Cli cli = Cli.run("run", "--confgi", "job.properties");
    assertEquals(ExitCodes.CONFIG, cli.exitCode, cli::toString);
    assertTrue(cli.err.contains("--confgi"), cli::toString);
  }

  @Test
  void versionIsPrinted() {
    Cli cli = Cli.run("--version");
    assertEquals(ExitCodes.OK, cli.exitCode, cli::toString);
    assertTrue(cli.out.startsWith("onceflow "), cli::toString);
  }
}
