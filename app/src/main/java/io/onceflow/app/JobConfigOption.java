package io.onceflow.app;

import io.onceflow.config.OnceflowConfig;
import io.onceflow.ledger.Database;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code --config} option of the admin commands: the job's own configuration file (the one its
 * driver and workers run with), plus {@code ONCEFLOW_*} overrides, exactly as {@code run} reads
 * it, so an operator needs nothing new to look at or fix a job.
 */
final class JobConfigOption {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = {
        "The job's configuration: the file its driver and workers run with.",
        "Default: the file named by $" + EngineCommand.CONFIG_ENV + "; else ONCEFLOW_* variables alone."
      })
  Path config;

  OnceflowConfig load(Map<String, String> env) {
    Path file = config;
    String fromEnv = env.get(EngineCommand.CONFIG_ENV);
    if (file == null && fromEnv != null && !fromEnv.isBlank()) {
      file = Path.of(fromEnv);
    }
    Map<String, String> overrides = new HashMap<>(env);
    overrides.remove(EngineCommand.JAVA_OPTS_ENV);
    return OnceflowConfig.load(file, overrides);
  }

  /** A two-connection pool to the job's database, for one admin command. */
  static Database open(OnceflowConfig c, String command) {
    return Database.open(c.postgresUrl(), c.postgresProperties(), 2, c.leaseMs(), command + "-" + c.jobName());
  }
}
