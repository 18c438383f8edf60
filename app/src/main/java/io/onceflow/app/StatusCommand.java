package io.onceflow.app;

import io.onceflow.admin.BatchStatus;
import io.onceflow.admin.JobStatus;
import io.onceflow.admin.StatusReader;
import io.onceflow.config.OnceflowConfig;
import io.onceflow.ledger.Database;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code onceflow status}: what the status page shows, as text: the driver, totals, lag per
 * partition, recent batches, live workers and their tasks, dead letters. Reads the ledger and
 * Kafka's end offsets; changes nothing.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Show a job's status from its ledger: driver, lag per partition, recent batches, workers,"
          + " dead letters. Changes nothing.",
      "Example: onceflow status --config job.properties"
    })
final class StatusCommand implements Callable<Integer> {
  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());

  @Mixin JobConfigOption config;

  @Option(names = "--batches", defaultValue = "10", description = "Recent batches to show (default ${DEFAULT-VALUE}).")
  int batches;

  @Spec CommandSpec spec;

  private final Map<String, String> env;

  StatusCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    OnceflowConfig c = config.load(env);
    PrintWriter out = spec.commandLine().getOut();
    try (Database db = JobConfigOption.open(c, "status")) {
      StatusReader reader = new StatusReader(db.dataSource());
      Optional<JobStatus> found =
          reader.status(c.jobName(), EndOffsets.read(c, db.dataSource(), spec.commandLine().getErr()), 3 * c.leaseMs());
      if (found.isEmpty()) {
        out.println("Job '" + c.jobName() + "' is not in the ledger yet: it has never run against this database.");
        out.flush();
        return ExitCodes.FAILURE;
      }
      print(out, found.get(), reader.recentBatches(c.jobName(), Math.max(1, batches)));
      out.flush();
      return ExitCodes.OK;
    }
  }

  static void print(PrintWriter out, JobStatus s, List<BatchStatus> recent) {
    JobStatus.DriverInfo d = s.driver();
    out.printf(Locale.ROOT, "Job %s (%s, %s)%n", s.job(), s.sources(), s.jobClass());
    out.printf(
        Locale.ROOT,
        "Driver: %s, epoch %d, last plan %s%n",
        d.running() ? "running (" + d.leader() + ")" : "not running",
        d.epoch(),
        d.lastPlanMs() == null ? "never" : TIME.format(Instant.ofEpochMilli(d.lastPlanMs())));
    JobStatus.Totals t = s.totals();
    out.printf(
        Locale.ROOT,
        "Committed: %,d records; %,d batches planned; %,d dead letters%n",
        t.committedOffsets(), t.batches(), t.deadLetters());
    JobStatus.Pruned p = s.pruned();
    if (p.throughBatch() > 0 || p.workers() > 0) {
      out.printf(
          Locale.ROOT,
          "Pruned: history through batch %,d (planned %s): %,d batches, %,d tasks, %,d worker rows;"
              + " last pruned %s%n",
          p.throughBatch(),
          p.throughPlannedAtMs() == null ? "-" : TIME.format(Instant.ofEpochMilli(p.throughPlannedAtMs())),
          p.batches(),
          p.tasks(),
          p.workers(),
          p.lastPrunedAtMs() == null ? "never" : TIME.format(Instant.ofEpochMilli(p.lastPrunedAtMs())));
    } else {
      out.println("Pruned: nothing yet (ledger.retention.ms)");
    }

    out.println();
    out.println("Partitions");
    OffsetsCommand.partitionTable(s.partitions()).print(out);
    OffsetsCommand.printHalts(out, s.partitions());
    if (!p.partitions().isEmpty()) {
      out.println();
      out.println("Pruned history per partition (kept ranges start at PRUNED UNTIL)");
      TextTable pruned = new TextTable("PARTITION", "PRUNED UNTIL", "THROUGH BATCH", "TASKS", "OFFSETS");
      for (JobStatus.PrunedPartition pp : p.partitions()) {
        pruned.row(pp.topic() + "-" + pp.partition(), pp.prunedUntil(), pp.throughBatch(), pp.tasks(), pp.offsets());
      }
      pruned.print(out);
    }

    out.println();
    out.println("Recent batches");
    TextTable batches =
        new TextTable("BATCH", "PLANNED", "RECORDS", "TASKS", "SCHED DELAY", "PROCESSING", "DEAD", "STATE");
    for (BatchStatus b : recent) {
      batches.row(
          b.batchId(),
          TIME.format(Instant.ofEpochMilli(b.plannedAtMs())),
          String.format(Locale.ROOT, "%,d", b.records()),
          b.tasksCommitted() + "/" + b.tasks(),
          millis(b.schedulingDelayMs()),
          millis(b.processingMs()),
          b.deadLetters(),
          b.state());
    }
    printOrNone(out, batches, "no batches yet");

    out.println();
    out.println("Workers");
    TextTable workers = new TextTable("WORKER", "THREADS", "HEARTBEAT", "RUNNING NOW");
    for (JobStatus.WorkerStatus w : s.workers()) {
      workers.row(
          w.workerId(),
          w.threads(),
          w.heartbeatAgeMs() + " ms ago",
          w.currentTasks().isEmpty() ? "idle" : String.join(", ", w.currentTasks()));
    }
    printOrNone(out, workers, "no live workers");
  }

  private static void printOrNone(PrintWriter out, TextTable table, String none) {
    if (table.isEmpty()) {
      out.println("  (" + none + ")");
    } else {
      table.print(out);
    }
  }

  static String millis(Long ms) {
    return ms == null ? "-" : String.format(Locale.ROOT, "%,d ms", ms);
  }
}
