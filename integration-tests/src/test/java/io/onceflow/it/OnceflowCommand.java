package io.onceflow.it;

import io.onceflow.app.Main;
import io.onceflow.testkit.JobProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The {@code onceflow} command ({@link Main}) in the engine's tests: as a process of the test kit's
 * {@link JobProcess}, or in this JVM for the admin commands.
 *
 * <p>Why not {@link io.onceflow.testkit.JobUnderTest#startProcess}: that runs the test kit's own
 * entry point, enough for a user's job. The engine's tests run the product's, so that its exit codes
 * (2 for a bad configuration, 1 for a failed engine), its messages and its HTTP endpoints are under
 * test as well.
 */
final class OnceflowCommand {
  /** What a command printed and returned. */
  record Run(int exit, String out, String err) {}

  private OnceflowCommand() {}

  /** {@code onceflow <role> --config <config>} as a process: role is run, driver or worker. */
  static JobProcess start(String name, String role, Path config, Map<String, String> env)
      throws IOException {
    return JobProcess.startMain(name, List.of(Main.class.getName(), role, "--config", config.toString()), env);
  }

  /** {@code onceflow <args>} in this JVM, with no environment overrides. */
  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine(Map.of());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }
}
