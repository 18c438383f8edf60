package io.onceflow.app;

import io.onceflow.config.OnceflowConfig;
import io.onceflow.job.JobLoader;
import io.onceflow.ledger.Database;
import io.onceflow.ledger.DeadLetters;
import io.onceflow.ledger.StoredDeadLetter;
import io.onceflow.task.DeadLetterReplay;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code onceflow dead-letters list|show|replay}: the records a job set aside, and putting them
 * back through the job once it is fixed. The work is in the engine ({@link DeadLetters}, {@link
 * DeadLetterReplay}); this is the command line around it.
 */
@Command(
    name = "dead-letters",
    mixinStandardHelpOptions = true,
    description = {
      "Inspect and replay a job's dead letters: records that could not be deserialized or that the"
          + " job failed on, stored with their error in onceflow.dead_letters.",
    },
    synopsisSubcommandLabel = "(list | show | replay)")
final class DeadLettersCommand implements Runnable {
  @Spec CommandSpec spec;

  /** The command with its subcommands, over {@code env} for the configuration overrides. */
  static CommandLine create(Map<String, String> env) {
    CommandLine cli = new CommandLine(new DeadLettersCommand());
    cli.addSubcommand("list", new ListCommand(env));
    cli.addSubcommand("show", new ShowCommand(env));
    cli.addSubcommand("replay", new ReplayCommand(env));
    return cli;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command: list, show or replay.");
  }

  /** What every subcommand shares: the job's configuration and a small pool to its database. */
  abstract static class Base implements Callable<Integer> {
    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description = "The job's configuration (the file its driver and workers run with).")
    Path config;

    @Spec CommandSpec spec;

    private final Map<String, String> env;

    Base(Map<String, String> env) {
      this.env = env;
    }

    OnceflowConfig configuration() {
      Path file = config;
      String fromEnv = env.get(EngineCommand.CONFIG_ENV);
      if (file == null && fromEnv != null && !fromEnv.isBlank()) {
        file = Path.of(fromEnv);
      }
      Map<String, String> overrides = new java.util.HashMap<>(env);
      overrides.remove(EngineCommand.JAVA_OPTS_ENV);
      return OnceflowConfig.load(file, overrides);
    }

    Database open(OnceflowConfig c) {
      return Database.open(c.postgresUrl(), c.postgresProperties(), 2, c.leaseMs(), "dead-letters-" + c.jobName());
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a job's dead letters, oldest first.")
  static final class ListCommand extends Base {
    @Option(names = "--limit", defaultValue = "100", description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    ListCommand(Map<String, String> env) {
      super(env);
    }

    @Override
    public Integer call() {
      OnceflowConfig c = configuration();
      try (Database db = open(c)) {
        DeadLetters letters = new DeadLetters(db.dataSource());
        List<StoredDeadLetter> rows = letters.list(c.jobName(), limit);
        long total = letters.count(c.jobName());
        PrintWriter out = out();
        if (rows.isEmpty()) {
          out.println("Job '" + c.jobName() + "' has no dead letters.");
          return ExitCodes.OK;
        }
        out.printf("%-8s %-7s %-40s %s%n", "ID", "BATCH", "RECORD", "ERROR");
        for (StoredDeadLetter d : rows) {
          out.printf("%-8d %-7d %-40s %s%n", d.id(), d.batchId(), d.recordName(), oneLine(error(d), 100));
        }
        out.println(rows.size() + " of " + total + " dead letters of job '" + c.jobName() + "'.");
        out.flush();
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one dead letter in full.")
  static final class ShowCommand extends Base {
    @Parameters(paramLabel = "ID", description = "The dead letter's id (see list).")
    long id;

    ShowCommand(Map<String, String> env) {
      super(env);
    }

    @Override
    public Integer call() {
      OnceflowConfig c = configuration();
      try (Database db = open(c)) {
        Optional<StoredDeadLetter> found = new DeadLetters(db.dataSource()).find(c.jobName(), id);
        PrintWriter err = spec.commandLine().getErr();
        if (found.isEmpty()) {
          err.println("onceflow: job '" + c.jobName() + "' has no dead letter " + id + " (replayed already?)");
          err.flush();
          return ExitCodes.FAILURE;
        }
        StoredDeadLetter d = found.get();
        PrintWriter out = out();
        out.println("id:        " + d.id());
        out.println("record:    " + d.recordName());
        out.println("batch:     " + d.batchId());
        out.println("attempts:  " + d.attempts());
        out.println("stored at: " + d.createdAt());
        out.println("error:     " + error(d));
        out.println("key:       " + bytes(d.key()));
        out.println("value:     " + bytes(d.value()));
        for (Map.Entry<String, byte[]> h : d.headers()) {
          out.println("header:    " + h.getKey() + " = " + bytes(h.getValue()));
        }
        out.flush();
        return ExitCodes.OK;
      }
    }
  }

  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = {
        "Run dead letters through the job class again (after fixing it) and remove them, in one"
            + " transaction: each replayed record is applied once. If the job fails again,"
            + " nothing changes and the error is printed (exit code 1)."
      })
  static final class ReplayCommand extends Base {
    @Parameters(paramLabel = "ID", arity = "0..*", description = "Dead letters to replay (see list).")
    List<Long> ids = List.of();

    @Option(names = "--all", description = "Replay every dead letter of the job.")
    boolean all;

    ReplayCommand(Map<String, String> env) {
      super(env);
    }

    @Override
    public Integer call() {
      if (all == !ids.isEmpty()) {
        throw new CommandLine.ParameterException(spec.commandLine(), "Name the dead letters to replay, or --all (not both).");
      }
      OnceflowConfig c = configuration();
      var jobs = JobLoader.load(c.jobClass(), c.jobJar());
      try (Database db = open(c)) {
        DeadLetterReplay.Result result = new DeadLetterReplay(c, db, jobs).replay(all ? List.of() : ids);
        PrintWriter out = out();
        for (StoredDeadLetter d : result.replayed()) {
          out.println("replayed #" + d.id() + " " + d.recordName());
        }
        out.println("Replayed " + result.replayed().size() + " dead letter(s) of job '" + c.jobName()
            + "' through " + c.jobClass() + "; applied and removed in one transaction.");
        out.flush();
        return ExitCodes.OK;
      }
    }
  }

  private static String error(StoredDeadLetter d) {
    return d.errorClass() + (d.errorMessage() == null ? "" : ": " + d.errorMessage());
  }

  private static String oneLine(String text, int max) {
    String line = text.replaceAll("\\s+", " ");
    return line.length() <= max ? line : line.substring(0, max - 1) + "…";
  }

  /** UTF-8 text when the bytes are valid UTF-8, else hex; {@code (null)} for none. */
  static String bytes(byte[] value) {
    if (value == null) {
      return "(null)";
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value))
          .toString();
    } catch (CharacterCodingException e) {
      return "0x" + HexFormat.of().formatHex(value) + " (" + value.length + " bytes, not UTF-8)";
    }
  }
}
