package io.onceflow.app;

import io.onceflow.config.OnceflowConfig;
import io.onceflow.runtime.Engine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code run}, {@code driver} and {@code worker}: one engine process of a job, configured by a
 * file and {@code ONCEFLOW_*} environment overrides, running until stopped or failed.
 *
 * <p>They differ only in the {@link Engine.Role}: a driver plans batches, a worker runs tasks,
 * {@code run} does both in one JVM. Any number of workers and drivers (one leads, the others wait
 * as standbys) may point at the same Kafka and PostgreSQL; they meet only through the ledger.
 */
@Command(
    mixinStandardHelpOptions = true,
    sortOptions = false,
    footerHeading = "%n",
    footer = {
      "Every key of the file can be overridden by an environment variable: ONCEFLOW_ and the key"
          + " in upper case with '.' as '_' (ONCEFLOW_POSTGRES_PASSWORD sets postgres.password)."
          + " docs/configuration.md lists the keys.",
      "",
      "SIGTERM or Ctrl-C stops gracefully: the current tasks finish or roll back, exit code 0.",
      "",
      "A server that is down or restarting while the process starts is waited out (a WARN per"
          + " attempt); startup.retry.max.ms bounds the wait.",
      "",
      "Exit codes: 0 stopped, 1 the job failed or a server refused or stayed unreachable, 2 bad"
          + " command line or configuration."
    })
abstract class EngineCommand implements Callable<Integer> {
  /** The variable naming the configuration file when {@code --config} is not given. */
  static final String CONFIG_ENV = "ONCEFLOW_CONFIG";

  /**
   * Variables the launcher script reads that are not configuration keys; without this filter the
   * engine would reject them as misspelt overrides.
   */
  static final String JAVA_OPTS_ENV = "ONCEFLOW_JAVA_OPTS";

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = {
        "Job configuration: a .properties, .yaml or .yml file.",
        "Default: the file named by $" + CONFIG_ENV + "; without either, the job is configured"
            + " by ONCEFLOW_* variables alone."
      })
  Path config;

  @Spec CommandSpec spec;

  private final Map<String, String> env;

  EngineCommand(Map<String, String> env) {
    this.env = env;
  }

  abstract Engine.Role role();

  @Override
  public Integer call() throws InterruptedException {
    OnceflowConfig configuration = OnceflowConfig.load(configFile(), overrides());
    GracefulShutdown shutdown = GracefulShutdown.install();
    Operations operations = Operations.forJob(configuration);
    Engine engine = Engine.start(configuration, role(), operations.metrics());
    shutdown.watch(engine);
    try (operations;
        RunProgress progress =
            RunProgress.start(engine, spec.commandLine().getOut(), System.console() != null)) {
      operations.serve(engine);
      engine.awaitTermination();
    } finally {
      engine.stop();
    }
    return engine.failure().map(this::reportFailure).orElse(ExitCodes.OK);
  }

  /** {@code --config}, else {@code $ONCEFLOW_CONFIG}, else none (environment only). */
  Path configFile() {
    if (config != null) {
      return config;
    }
    String fromEnv = env.get(CONFIG_ENV);
    return fromEnv == null || fromEnv.isBlank() ? null : Path.of(fromEnv);
  }

  /** The environment less the launcher's own variables. */
  Map<String, String> overrides() {
    Map<String, String> copy = new HashMap<>(env);
    copy.remove(JAVA_OPTS_ENV);
    return copy;
  }

  private int reportFailure(Throwable failure) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("onceflow: " + role().name().toLowerCase() + " failed: " + failure.getMessage());
    if (Main.verbose(spec)) {
      failure.printStackTrace(err);
    }
    err.flush();
    return ExitCodes.FAILURE;
  }

  @Command(
      name = "run",
      description = {
        "Run a job in local mode: driver and worker threads in one JVM.",
        "Example: onceflow run --config job.properties"
      })
  static final class Run extends EngineCommand {
    Run(Map<String, String> env) {
      super(env);
    }

    @Override
    Engine.Role role() {
      return Engine.Role.LOCAL;
    }
  }

  @Command(
      name = "driver",
      description = {
        "Run the driver of a job: it plans batches into the ledger; workers run them.",
        "One driver leads a job; more wait as standbys and take over if it dies."
      })
  static final class Driver extends EngineCommand {
    Driver(Map<String, String> env) {
      super(env);
    }

    @Override
    Engine.Role role() {
      return Engine.Role.DRIVER;
    }
  }

  @Command(
      name = "worker",
      description = {
        "Run a worker of a job: a pool of worker.threads threads that claim, read and commit"
            + " tasks.",
        "Start any number, on any hosts, against the same Kafka and PostgreSQL as the driver."
      })
  static final class Worker extends EngineCommand {
    Worker(Map<String, String> env) {
      super(env);
    }

    @Override
    Engine.Role role() {
      return Engine.Role.WORKER;
    }
  }
}
