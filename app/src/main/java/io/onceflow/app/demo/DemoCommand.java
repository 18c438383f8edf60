package io.onceflow.app.demo;

import io.onceflow.app.ExitCodes;
import io.onceflow.app.Main;
import io.onceflow.config.OnceflowConfig;
import io.onceflow.examples.AggJob;
import io.onceflow.examples.Verdict;
import io.onceflow.examples.Workload;
import io.onceflow.ledger.LedgerAdmin.Progress;
import io.onceflow.runtime.Engine;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code onceflow demo}: the newcomer's first command. It starts a real Kafka broker (and, when no
 * PostgreSQL is given, a real embedded one), loads a topic with the AGG workload of WORKLOAD.md,
 * runs the AGG example job in local mode while showing progress, and checks the resulting table
 * against ground truth computed from the workload's formula, never from the engine. The exit
 * code is 0 only when that verdict passes, so the demo doubles as a smoke test.
 *
 * <p>It only ever touches its own table and its own job's ledger rows (see {@link DemoSink}), so
 * pointing it at a PostgreSQL that holds other data is safe.
 *
 * <p>Ctrl-C stops the engine, the embedded PostgreSQL and the broker, in that order, before the
 * JVM exits (code 130, as for any interrupted command): see {@link DemoEnvironment}.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run a job end to end on real servers and check the result against ground truth.",
      "",
      "Starts a fresh Kafka broker and PostgreSQL (embedded unless one is given), fills topic "
          + DemoTopic.NAME
          + " with N events, runs the AGG example job in local mode while showing progress, and"
          + " compares the table with totals computed from the workload's formula. Exits 0 only"
          + " if that verdict passes.",
      "",
      "In a PostgreSQL of yours it touches only the table "
          + DemoSink.TABLE
          + " and the ledger rows of job '"
          + DemoSink.JOB
          + "', and clears both first.",
      ""
    },
    footerHeading = "%n",
    footer = "Exit codes: 0 verdict passed, 1 verdict failed or timed out, 2 bad option.")
public final class DemoCommand implements Callable<Integer> {
  static final String POSTGRES_URL_ENV = "ONCEFLOW_POSTGRES_URL";

  /** Batches each partition's records are split into, so the demo shows batching at any size. */
  private static final int BATCHES_PER_PARTITION = 5;

  private static final long BATCH_INTERVAL_MS = 200;
  private static final long POLL_MS = 200;
  private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  @Option(
      names = "--records",
      paramLabel = "N",
      defaultValue = "200000",
      description = "Events to produce and process (default: ${DEFAULT-VALUE}).")
  long records;

  @Option(
      names = "--partitions",
      paramLabel = "P",
      defaultValue = "8",
      description = "Partitions of topic " + DemoTopic.NAME + " (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--users",
      paramLabel = "U",
      defaultValue = "10000",
      description = "Distinct users (keys) of the workload (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(
      names = "--postgres-url",
      paramLabel = "URL",
      description = {
        "PostgreSQL to use, e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres.",
        "Default: $" + POSTGRES_URL_ENV + "; without either, an embedded PostgreSQL is started."
      })
  String postgresUrl;

  @Option(
      names = "--threads",
      paramLabel = "T",
      defaultValue = "2",
      description = "Worker threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--timeout-seconds",
      paramLabel = "S",
      defaultValue = "600",
      description =
          "Give up (exit 1) if not every event is committed S seconds after the demo started"
              + " (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Spec CommandSpec spec;

  private final Map<String, String> env;

  public DemoCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() throws SQLException, InterruptedException {
    validate();
    if (!Main.verbose(spec)) {
      // The engine's start-up log (its whole configuration) would drown the demo's own lines.
      // Set before the first logger exists: slf4j-simple reads levels once.
      System.setProperty("org.slf4j.simpleLogger.log.io.onceflow", "warn");
    }
    long started = System.nanoTime();
    Workload workload = Workload.standard().withUsers(users);
    say(
        String.format(
            Locale.ROOT,
            "Onceflow demo: %,d events of the AGG workload (%,d users) from Kafka into PostgreSQL,"
                + " exactly once, checked against ground truth.",
            records,
            users));
    try (DemoEnvironment servers = DemoEnvironment.start(givenPostgresUrl(), this::say)) {
      int code = run(servers, workload, started + TimeUnit.SECONDS.toNanos(timeoutSeconds));
      if (!servers.stopping()) {
        say("Finished in " + Seconds.since(started) + "; stopping the servers.");
      }
      return code;
    }
  }

  private int run(DemoEnvironment servers, Workload workload, long deadline)
      throws SQLException, InterruptedException {
    long produceStart = System.nanoTime();
    DemoTopic.create(servers.bootstrapServers(), partitions);
    DemoTopic.fill(servers.bootstrapServers(), workload, records);
    say(
        String.format(
            Locale.ROOT,
            "Topic       %s (%d partitions): produced %,d events in %s",
            DemoTopic.NAME,
            partitions,
            records,
            Seconds.since(produceStart)));
    try (DemoSink sink = DemoSink.prepare(servers.postgresUrl())) {
      say(
          "Sink        table "
              + DemoSink.TABLE
              + " dropped, ledger rows of job '"
              + DemoSink.JOB
              + "' deleted (a fresh broker makes old offsets meaningless)");
      return runEngine(servers, sink, workload, deadline);
    }
  }

  private int runEngine(DemoEnvironment servers, DemoSink sink, Workload workload, long deadline)
      throws SQLException, InterruptedException {
    long cap = perPartitionCap();
    say(
        String.format(
            Locale.ROOT,
            "Engine      job '%s' (%s), local mode, %d worker threads, a batch every %d ms of at"
                + " most %,d records per partition",
            DemoSink.JOB,
            AggJob.class.getSimpleName(),
            threads,
            BATCH_INTERVAL_MS,
            cap));
    long started = System.nanoTime();
    Engine running = Engine.start(engineConfig(servers, cap), Engine.Role.LOCAL);
    servers.beforeStop(running::stop);
    Optional<String> problem;
    long done;
    try {
      problem = awaitAllCommitted(running, servers, sink, started, deadline);
      done = System.nanoTime();
    } finally {
      running.stop();
    }
    if (servers.stopping()) {
      return ExitCodes.FAILURE; // the JVM is ending: the shutdown hook has the last word
    }
    double seconds = Seconds.between(started, done);
    Progress last = sink.progress();
    if (problem.isPresent()) {
      say("Verdict     FAIL: " + problem.get());
      return ExitCodes.FAILURE;
    }
    say(
        String.format(
            Locale.ROOT,
            "Done        %,d events committed in %s (%,.0f events/s, engine start included): %,d"
                + " batches, %,d tasks, %,d dead letters",
            last.committedOffsets(),
            Seconds.format(seconds),
            last.committedOffsets() / Math.max(seconds, 1e-9),
            last.batches(),
            last.committedTasks(),
            last.deadLetters()));
    Verdict verdict = sink.verify(records, workload);
    say((verdict.passed() ? "Verdict     PASS: " : "Verdict     FAIL: ") + verdict.summary());
    return verdict.passed() ? ExitCodes.OK : ExitCodes.FAILURE;
  }

  /**
   * Polls the ledger until every record is committed, showing progress about once a second.
   *
   * @return why it stopped early (the engine failed, the deadline passed, Ctrl-C), or empty when
   *     done
   */
  private Optional<String> awaitAllCommitted(
      Engine running, DemoEnvironment servers, DemoSink sink, long started, long deadline)
      throws InterruptedException {
    ProgressLine line = new ProgressLine(out(), System.console() != null, records);
    long shown = started;
    try {
      while (true) {
        if (servers.stopping()) {
          return Optional.of("interrupted");
        }
        Optional<Throwable> failure = running.failure();
        if (failure.isPresent()) {
          return Optional.of("the engine failed: " + failure.get().getMessage());
        }
        Progress progress = sink.progress();
        long now = System.nanoTime();
        boolean done = progress.committedOffsets() >= records;
        if (done || now - shown >= PROGRESS_EVERY_NANOS) {
          line.show(progress, Seconds.between(started, now));
          shown = now;
        }
        if (done) {
          return Optional.empty();
        }
        if (now - deadline > 0) {
          return Optional.of(
              String.format(
                  Locale.ROOT,
                  "timed out after %d s with %,d of %,d events committed",
                  timeoutSeconds,
                  progress.committedOffsets(),
                  records));
        }
        TimeUnit.MILLISECONDS.sleep(POLL_MS);
      }
    } finally {
      line.end();
    }
  }

  /** Enough for several batches per partition at any size: batching is part of what is shown. */
  long perPartitionCap() {
    long perPartition = (records + partitions - 1) / partitions;
    return Math.max(1, (perPartition + BATCHES_PER_PARTITION - 1) / BATCHES_PER_PARTITION);
  }

  private OnceflowConfig engineConfig(DemoEnvironment servers, long cap) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("job.name", DemoSink.JOB);
    config.put("job.class", AggJob.class.getName());
    config.put("job.param.table", DemoSink.TABLE);
    config.put("source.topics", DemoTopic.NAME);
    config.put("source.starting", "earliest");
    config.put("value.format", "bytes");
    config.put("batch.interval.ms", Long.toString(BATCH_INTERVAL_MS));
    config.put("batch.max.records.per.partition", Long.toString(cap));
    config.put("worker.threads", Integer.toString(threads));
    config.put("kafka.bootstrap.servers", servers.bootstrapServers());
    // A worker's consumer, having read a range up to the log end, has a fetch parked at the
    // broker for fetch.max.wait.ms (500 ms by default); the next task's fetch to that broker
    // waits behind it. With the demo's small tasks that wait was most of the run (20,000 events:
    // 12 s with the default, 1.5 s with this).
    config.put("kafka.fetch.max.wait.ms", "20");
    config.put("postgres.url", servers.postgresUrl());
    return OnceflowConfig.fromMap(config);
  }

  /** {@code --postgres-url}, else {@code $ONCEFLOW_POSTGRES_URL}, else null (embedded). */
  String givenPostgresUrl() {
    if (postgresUrl != null && !postgresUrl.isBlank()) {
      return postgresUrl;
    }
    String fromEnv = env.get(POSTGRES_URL_ENV);
    return fromEnv == null || fromEnv.isBlank() ? null : fromEnv;
  }

  private void validate() {
    requireAtLeast("--records", records, 1);
    requireAtLeast("--partitions", partitions, 1);
    requireAtLeast("--users", users, 1);
    requireAtLeast("--threads", threads, 1);
    requireAtLeast("--timeout-seconds", timeoutSeconds, 1);
  }

  private void requireAtLeast(String option, long value, long min) {
    if (value < min) {
      throw new ParameterException(
          spec.commandLine(), option + " must be at least " + min + ", was " + value);
    }
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }

  private void say(String line) {
    out().println(line);
    out().flush();
  }
}
