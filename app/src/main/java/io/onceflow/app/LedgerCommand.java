package io.onceflow.app;

import io.onceflow.config.ConfigKeys;
import io.onceflow.config.OnceflowConfig;
import io.onceflow.ledger.Database;
import io.onceflow.ledger.LedgerRetention;
import io.onceflow.ledger.LedgerSchema;
import java.io.PrintWriter;
import java.sql.Connection;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code onceflow ledger prune}: ledger retention by hand. */
@Command(
    name = "ledger",
    mixinStandardHelpOptions = true,
    description = "Maintain a job's ledger.",
    synopsisSubcommandLabel = "prune")
final class LedgerCommand implements Runnable {
  @Spec CommandSpec spec;

  static CommandLine create(Map<String, String> env) {
    CommandLine cli = new CommandLine(new LedgerCommand());
    cli.addSubcommand("prune", new Prune(env));
    return cli;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command: prune.");
  }

  @Command(
      name = "prune",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Delete a job's committed history older than ledger.retention.ms (or --older-than): whole"
            + " batches with their tasks, oldest first, and stopped or long-dead worker rows, in"
            + " transactions of ledger.retention.chunk.rows task rows.",
        "What the driver's retention does every ledger.retention.interval.ms; safe while the job"
            + " runs. Never deleted: committed offsets, uncommitted tasks and the batches after"
            + " the first of them, the newest batch, dead letters, gaps.",
        "Example: onceflow ledger prune -c job.properties --older-than 2d"
      })
  static final class Prune implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,15})(ms|s|m|h|d)?");

    @Mixin JobConfigOption config;

    @Option(
        names = "--older-than",
        paramLabel = "AGE",
        description = {
          "Prune history older than this: a number with ms, s, m, h or d (milliseconds without"
              + " a unit); 0 prunes every committed batch but the newest.",
          "Default: the job's ledger.retention.ms."
        })
    String olderThan;

    @Spec CommandSpec spec;
    private final Map<String, String> env;

    Prune(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public Integer call() throws Exception {
      long ageMs = olderThan == null ? -1 : parseAge(olderThan);
      OnceflowConfig c = config.load(env);
      PrintWriter out = spec.commandLine().getOut();
      if (ageMs < 0) {
        ageMs = c.retentionMs();
        if (ageMs == 0) {
          PrintWriter err = spec.commandLine().getErr();
          err.println("onceflow: ledger retention is off for job '" + c.jobName() + "' ("
              + ConfigKeys.LEDGER_RETENTION_MS.name() + "=0); say how old history must be with"
              + " --older-than, e.g. --older-than 7d. Nothing was deleted.");
          err.flush();
          return ExitCodes.CONFIG;
        }
      }
      try (Database db = JobConfigOption.open(c, "ledger-prune")) {
        LedgerSchema.migrate(db.dataSource()); // before taking a connection: Flyway needs both
        return prune(c, db, ageMs, out);
      }
    }

    private static int prune(OnceflowConfig c, Database db, long ageMs, PrintWriter out) throws Exception {
      try (Connection connection = db.connection()) {
        long started = System.nanoTime();
        LedgerRetention.Pruned pruned =
            new LedgerRetention(c.retentionChunkRows()).prune(connection, c.jobName(), ageMs, () -> true);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (!pruned.deletedAnything()) {
          out.printf(Locale.ROOT, "Nothing to prune: job '%s' has no committed history older than %s.%n",
              c.jobName(), age(ageMs));
        } else {
          out.printf(
              Locale.ROOT,
              "Pruned job '%s': %,d batch(es), %,d task(s), %,d worker row(s) older than %s, in %,d"
                  + " transaction(s), %,d ms.%n",
              c.jobName(), pruned.batches(), pruned.tasks(), pruned.workers(), age(ageMs),
              pruned.transactions(), tookMs);
        }
        if (pruned.throughBatch() > 0) {
          out.printf(
              Locale.ROOT,
              "History kept from batch %,d on (pruned through batch %,d, planned %s).%n",
              pruned.throughBatch() + 1,
              pruned.throughBatch(),
              pruned.throughPlannedAtMs() == null
                  ? "-"
                  : StatusCommand.TIME.format(Instant.ofEpochMilli(pruned.throughPlannedAtMs())));
        }
        out.flush();
        return ExitCodes.OK;
      }
    }

    private long parseAge(String text) {
      try {
        return ageMs(text);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--older-than: " + e.getMessage());
      }
    }

    /** {@code 7d}, {@code 12h}, {@code 30m}, {@code 90s}, {@code 500ms} or plain milliseconds. */
    static long ageMs(String text) {
      Matcher m = DURATION.matcher(text.strip());
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "expected a number with ms, s, m, h or d (e.g. 7d, 12h, 500ms), got '" + text + "'");
      }
      long n = Long.parseLong(m.group(1));
      TimeUnit unit =
          switch (m.group(2) == null ? "ms" : m.group(2)) {
            case "s" -> TimeUnit.SECONDS;
            case "m" -> TimeUnit.MINUTES;
            case "h" -> TimeUnit.HOURS;
            case "d" -> TimeUnit.DAYS;
            default -> TimeUnit.MILLISECONDS;
          };
      return unit.toMillis(n);
    }

    private static String age(long ms) {
      return String.format(Locale.ROOT, "%,d ms", ms);
    }
  }
}
