package io.onceflow.app;

import io.onceflow.admin.JobStatus;
import io.onceflow.admin.OffsetReset;
import io.onceflow.admin.ResetTarget;
import io.onceflow.admin.ResetTargets;
import io.onceflow.admin.StatusReader;
import io.onceflow.config.OnceflowConfig;
import io.onceflow.kafka.KafkaPartitions;
import io.onceflow.kafka.TopicMetadata;
import io.onceflow.ledger.Database;
import io.onceflow.ledger.LedgerSchema;
import io.onceflow.ledger.PartitionId;
import io.onceflow.ledger.PlanStore;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code onceflow offsets show|reset}: a job's committed positions, and moving them. */
@Command(
    name = "offsets",
    mixinStandardHelpOptions = true,
    description = "Show a job's offsets per partition, or reset them (job stopped).",
    synopsisSubcommandLabel = "(show | reset)")
final class OffsetsCommand implements Runnable {
  @Spec CommandSpec spec;

  static CommandLine create(Map<String, String> env) {
    CommandLine cli = new CommandLine(new OffsetsCommand());
    cli.addSubcommand("show", new Show(env));
    cli.addSubcommand("reset", new Reset(env));
    return cli;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command: show or reset.");
  }

  static TextTable partitionTable(List<JobStatus.PartitionStatus> partitions) {
    TextTable table =
        new TextTable("PARTITION", "START", "COMMITTED", "PLANNED", "END", "HIGH WATERMARK", "LAG", "STATE");
    for (JobStatus.PartitionStatus p : partitions) {
      table.row(p.topic() + "-" + p.partition(), p.start(), p.committed(), p.planned(), p.end(),
          p.highWatermark(), p.lag(), p.halted() == null ? "ok" : "HALTED");
    }
    return table;
  }

  /** The reason of every halted partition, one paragraph each: what happened and what to run. */
  static void printHalts(PrintWriter out, List<JobStatus.PartitionStatus> partitions) {
    for (JobStatus.PartitionStatus p : partitions) {
      if (p.halted() != null) {
        out.println("HALTED " + p.topic() + "-" + p.partition() + ": " + p.halted());
      }
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Per partition: where the job started, what is committed and planned, Kafka's end offset"
            + " and the lag. Changes nothing."
      })
  static final class Show implements Callable<Integer> {
    @Mixin JobConfigOption config;
    @Spec CommandSpec spec;
    private final Map<String, String> env;

    Show(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      OnceflowConfig c = config.load(env);
      PrintWriter out = spec.commandLine().getOut();
      try (Database db = JobConfigOption.open(c, "offsets")) {
        Optional<JobStatus> status =
            new StatusReader(db.dataSource())
                .status(c.jobName(), EndOffsets.read(c, db.dataSource(), spec.commandLine().getErr()), 0);
        if (status.isEmpty() || status.get().partitions().isEmpty()) {
          out.println("Job '" + c.jobName() + "' has no offsets in the ledger yet.");
          out.flush();
          return ExitCodes.FAILURE;
        }
        partitionTable(status.get().partitions()).print(out);
        printHalts(out, status.get().partitions());
        out.flush();
        return ExitCodes.OK;
      }
    }
  }

  @Command(
      name = "reset",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Move a stopped job's partitions to new offsets: --to earliest, latest, an offset, or a"
            + " timestamp (2026-11-24T08:00:00Z, or a date for its midnight UTC).",
        "Refused while the job's driver or a worker runs. Without --execute it only prints what it"
            + " would do.",
        "One transaction: the partitions' uncommitted tasks are deleted, their offsets moved, the"
            + " leader epoch bumped, and the reset recorded in onceflow.offset_resets. Backwards,"
            + " records are processed again (the sink is not rolled back); forwards, they are"
            + " skipped.",
        "Example: onceflow offsets reset -c job.properties --to 2026-11-24T08:00:00Z --partition 3"
            + " --execute"
      })
  static final class Reset implements Callable<Integer> {
    @Mixin JobConfigOption config;

    @Option(names = "--to", required = true, paramLabel = "WHERE", description = "earliest, latest, an offset, or a timestamp.")
    String to;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Only this topic's partitions (default: all the job reads).")
    String topic;

    @Option(names = "--partition", paramLabel = "N", description = "Only partition N (of every topic, unless --topic).")
    Integer partition;

    @Option(names = "--execute", description = "Apply the reset; without it, print what would change.")
    boolean execute;

    @Spec CommandSpec spec;
    private final Map<String, String> env;

    Reset(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public Integer call() throws Exception {
      ResetTarget target = ResetTarget.parse(to);
      OnceflowConfig c = config.load(env);
      PrintWriter out = spec.commandLine().getOut();
      try (Database db = JobConfigOption.open(c, "offsets-reset")) {
        LedgerSchema.migrate(db.dataSource());
        Map<PartitionId, io.onceflow.ledger.PartitionPosition> positions =
            new PlanStore(db.dataSource()).positions(c.jobName());
        List<PartitionId> chosen =
            positions.keySet().stream()
                .filter(p -> topic == null || p.topic().equals(topic))
                .filter(p -> partition == null || p.partition() == partition)
                .toList();
        if (chosen.isEmpty()) {
          PrintWriter err = spec.commandLine().getErr();
          err.println("onceflow: job '" + c.jobName() + "' has no partition matching"
              + (topic == null ? "" : " --topic " + topic)
              + (partition == null ? "" : " --partition " + partition)
              + " in its ledger; `onceflow offsets show` lists them. Nothing was changed.");
          err.flush();
          return ExitCodes.FAILURE;
        }
        ResetTargets.Resolved resolved;
        try (KafkaPartitions kafka = new KafkaPartitions(c.kafkaConsumerProperties());
            TopicMetadata topics = new TopicMetadata(c.kafkaAdminProperties())) {
          resolved = ResetTargets.resolve(kafka, topics, chosen, target);
        }
        Map<PartitionId, Long> targets = resolved.offsets();
        TextTable plan = new TextTable("PARTITION", "COMMITTED", "NEW OFFSET", "MOVE");
        targets.forEach(
            (p, offset) -> {
              long from = positions.get(p).committedUntil();
              plan.row(p, from, offset, String.format(Locale.ROOT, "%+,d", offset - from));
            });
        plan.print(out);
        for (PartitionId p : resolved.unknown()) {
          out.println("  " + p + ": Kafka does not know this partition (topic deleted): it moves to"
              + " 0, where a topic created again under its name begins.");
        }
        if (!execute) {
          out.println("Dry run: nothing was changed. Add --execute to apply.");
          out.flush();
          return ExitCodes.OK;
        }
        OffsetReset.Result result =
            new OffsetReset(db.dataSource())
                .apply(c.jobName(), targets, resolved.topicIds(), 3 * c.leaseMs(), who());
        for (OffsetReset.Moved m : result.moved()) {
          if (m.haltLifted()) {
            out.println("  " + m.partition() + ": halt lifted; planning resumes at " + m.to());
          }
          if (m.plannedTasksRemoved() + m.committedTasksRemoved() + m.deadLettersRemoved() + m.gapsRemoved() > 0) {
            out.printf(
                Locale.ROOT,
                "  %s: removed %d planned task(s), %d committed task(s), %d dead letter(s), %d gap(s)%n",
                m.partition(), m.plannedTasksRemoved(), m.committedTasksRemoved(),
                m.deadLettersRemoved(), m.gapsRemoved());
          }
        }
        out.println("Reset " + result.moved().size() + " partition(s) of job '" + c.jobName()
            + "' (leader epoch now " + result.epoch() + "; recorded in onceflow.offset_resets).");
        out.flush();
        return ExitCodes.OK;
      }
    }

    private static String who() {
      String host;
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (Exception e) {
        host = "unknown-host";
      }
      return System.getProperty("user.name", "unknown") + "@" + host + " (onceflow offsets reset)";
    }
  }
}
