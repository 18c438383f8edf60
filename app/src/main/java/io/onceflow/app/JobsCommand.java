package io.onceflow.app;

import io.onceflow.admin.JobList;
import io.onceflow.config.OnceflowConfig;
import io.onceflow.ledger.Database;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code onceflow jobs list}: every job in the ledger of a job's database. */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = "List the jobs of a ledger.",
    synopsisSubcommandLabel = "list")
final class JobsCommand implements Runnable {
  @Spec CommandSpec spec;

  static CommandLine create(Map<String, String> env) {
    CommandLine cli = new CommandLine(new JobsCommand());
    cli.addSubcommand("list", new ListJobs(env));
    return cli;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command: list.");
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "Every job in the ledger of the database a job configuration names: sources, whether its"
            + " driver runs, live workers, batches, committed records. Changes nothing."
      })
  static final class ListJobs implements Callable<Integer> {
    @Mixin JobConfigOption config;
    @Spec CommandSpec spec;
    private final Map<String, String> env;

    ListJobs(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      OnceflowConfig c = config.load(env);
      PrintWriter out = spec.commandLine().getOut();
      try (Database db = JobConfigOption.open(c, "jobs")) {
        List<JobList.JobSummary> jobs = new JobList(db.dataSource()).jobs(3 * c.leaseMs());
        if (jobs.isEmpty()) {
          out.println("No jobs in this ledger.");
          out.flush();
          return ExitCodes.OK;
        }
        TextTable table =
            new TextTable("JOB", "SOURCES", "CLASS", "DRIVER", "WORKERS", "BATCHES", "COMMITTED", "LAST PLAN");
        for (JobList.JobSummary j : jobs) {
          table.row(
              j.job(),
              j.sources(),
              j.jobClass(),
              j.driverRunning() ? "running" : "stopped",
              j.liveWorkers(),
              j.batches(),
              j.committedOffsets(),
              j.lastPlanMs() == null ? "never" : StatusCommand.TIME.format(Instant.ofEpochMilli(j.lastPlanMs())));
        }
        table.print(out);
        out.flush();
        return ExitCodes.OK;
      }
    }
  }
}
