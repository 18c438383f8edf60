package io.onceflow.app;

import io.onceflow.app.demo.ProgressLine;
import io.onceflow.admin.StatusReader;
import io.onceflow.ledger.PartitionId;
import io.onceflow.ledger.PartitionPosition;
import io.onceflow.ledger.PlanStore;
import io.onceflow.plan.Driver;
import io.onceflow.runtime.Engine;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The progress of {@code run} and {@code driver}: records committed, the rate over the last ten
 * seconds, the lag (end offsets the driver last read minus committed offsets) and, while there
 * is a lag to catch up, an ETA.
 *
 * <p>On a terminal it is one line rewritten every second ({@link ProgressLine}); elsewhere (a
 * pipe, a container log) a log line every {@link #LOG_EVERY}, so logs stay readable.
 *
 * <p>Runs on its own daemon thread; {@link #close()} from any thread.
 */
final class RunProgress implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RunProgress.class);
  static final Duration LOG_EVERY = Duration.ofSeconds(30);
  private static final long RATE_WINDOW_MS = 10_000;

  private final Engine engine;
  private final ProgressLine line;
  private final boolean terminal;
  private final ScheduledExecutorService timer;
  private final ArrayDeque<long[]> samples = new ArrayDeque<>(); // {millis, committed}

  private RunProgress(Engine engine, ProgressLine line, boolean terminal) {
    this.engine = engine;
    this.line = line;
    this.terminal = terminal;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "onceflow-progress");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts showing progress of a process that drives; a worker-only process shows none. */
  static RunProgress start(Engine engine, PrintWriter out, boolean terminal) {
    RunProgress progress = new RunProgress(engine, new ProgressLine(out, true, 0), terminal);
    if (engine.driver().isPresent()) {
      long period = terminal ? 1_000 : LOG_EVERY.toMillis();
      // the first run only takes a sample, so the first line shown already has a rate
      progress.timer.scheduleWithFixedDelay(progress::update, 0, period, TimeUnit.MILLISECONDS);
    }
    return progress;
  }

  private void update() {
    try {
      String job = engine.config().jobName();
      long committed = new StatusReader(engine.database().dataSource()).committedOffsets(job);
      Long lag = lag(engine.driver().get(), new PlanStore(engine.database().dataSource()).positions(job));
      boolean first = samples.isEmpty();
      String text = format(committed, rate(System.currentTimeMillis(), committed), lag);
      if (first) {
        return;
      }
      if (terminal) {
        line.show(text);
      } else {
        log.info("Progress of job '{}': {}", job, text.strip());
      }
    } catch (RuntimeException e) {
      log.debug("No progress this time: {}", e.getMessage());
    }
  }

  private double rate(long nowMs, long committed) {
    samples.addLast(new long[] {nowMs, committed});
    while (samples.size() > 2 && nowMs - samples.peekFirst()[0] > RATE_WINDOW_MS) {
      samples.removeFirst();
    }
    long[] first = samples.peekFirst();
    long elapsed = nowMs - first[0];
    return elapsed <= 0 ? 0 : (committed - first[1]) * 1000.0 / elapsed;
  }

  /** Total lag, or null while the driver has not read end offsets (a standby, or starting). */
  static Long lag(Driver driver, Map<PartitionId, PartitionPosition> positions) {
    Map<PartitionId, Long> ends = driver.endOffsets();
    if (ends.isEmpty()) {
      return null;
    }
    long lag = 0;
    for (PartitionPosition p : positions.values()) {
      Long end = ends.get(p.partition());
      if (end != null) {
        lag += Math.max(0, end - p.committedUntil());
      }
    }
    return lag;
  }

  /** {@code 1,234,567 records committed, 12,345 records/s, lag 98,765, ETA 8 s}. */
  static String format(long committed, double rate, Long lag) {
    StringBuilder text =
        new StringBuilder(
            String.format(Locale.ROOT, "  %,d records committed, %,.0f records/s", committed, rate));
    if (lag == null) {
      text.append(", lag unknown");
    } else if (lag == 0) {
      text.append(", caught up");
    } else {
      text.append(String.format(Locale.ROOT, ", lag %,d", lag));
      if (rate >= 1) {
        text.append(", ETA ").append(eta(Math.round(lag / rate)));
      }
    }
    return text.toString();
  }

  static String eta(long seconds) {
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3600) {
      return seconds / 60 + " min " + seconds % 60 + " s";
    }
    return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
  }

  @Override
  public void close() {
    timer.shutdownNow();
    if (terminal) {
      line.end();
    }
  }
}
