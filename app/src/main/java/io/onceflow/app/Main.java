package io.onceflow.app;

import io.onceflow.app.demo.DemoCommand;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

/**
 * The {@code onceflow} command. Each subcommand returns its exit code (see {@link ExitCodes});
 * errors that escape one are turned into a single line by {@link ErrorReporter}.
 */
@Command(
    name = "onceflow",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Exactly-once Kafka to PostgreSQL micro-batches.",
    synopsisSubcommandLabel = "COMMAND",
    commandListHeading = "%nCommands:%n",
    footer = {
      "",
      "New here? Run `onceflow demo`: a real Kafka broker, PostgreSQL and a job, checked"
          + " against ground truth. `onceflow COMMAND --help` tells more.",
      "",
      "Exit codes: 0 ok or stopped by SIGTERM, 1 failure, 2 bad command line or configuration."
    })
public final class Main implements Runnable {

  @Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces with errors (and, in the demo, the engine's log).")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = commandLine(System.getenv()).execute(args);
    ProcessExit.exit(code);
  }

  /**
   * The command tree over {@code env}: the process environment in production, a map in tests
   * (so that {@code ONCEFLOW_*} overrides can be tested without touching the real environment).
   */
  public static CommandLine commandLine(Map<String, String> env) {
    Main main = new Main();
    CommandLine cli = new CommandLine(main);
    cli.addSubcommand("run", new EngineCommand.Run(env));
    cli.addSubcommand("driver", new EngineCommand.Driver(env));
    cli.addSubcommand("worker", new EngineCommand.Worker(env));
    cli.addSubcommand("demo", new DemoCommand(env));
    cli.addSubcommand("dead-letters", DeadLettersCommand.create(env));
    cli.addSubcommand("status", new StatusCommand(env));
    cli.addSubcommand("offsets", OffsetsCommand.create(env));
    cli.addSubcommand("jobs", JobsCommand.create(env));
    cli.addSubcommand("ledger", LedgerCommand.create(env));
    cli.setExecutionExceptionHandler(new ErrorReporter(() -> main.verbose));
    cli.setUsageHelpAutoWidth(true);
    return cli;
  }

  /**
   * Whether {@code --verbose} was given, before or after the command's name: the option is
   * inherited by every subcommand and sets this root's field either way.
   */
  public static boolean verbose(CommandLine.Model.CommandSpec anyCommand) {
    return anyCommand.root().userObject() instanceof Main main && main.verbose;
  }

  /** Without a command: picocli prints the message and the overview, and exits 2. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command.");
  }

  /** The version from the jar manifest; "development" when run from classes. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"onceflow " + (version == null ? "development" : version)};
    }
  }
}
