package io.onceflow.runtime;

import io.onceflow.config.OnceflowConfig;
import io.onceflow.ledger.Database;
import io.onceflow.ledger.LedgerRetention;
import io.onceflow.task.Retries;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prunes the ledger every {@code ledger.retention.interval.ms} while this process's driver leads
 * the job ({@link LedgerRetention}). It runs on a thread of its own and opens a connection of its
 * own for each run (outside the pool, closed after it), so it never delays a plan, never takes a
 * pooled connection from a task or the lease keeper, and a slow run only delays the next run.
 *
 * <p>A failed run is logged and tried again at the next interval: history is not the protocol,
 * so a pruning error never stops the job.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread.
 */
final class RetentionRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RetentionRunner.class);

  private final OnceflowConfig config;
  private final Database database;
  private final BooleanSupplier leading;
  private final LedgerRetention retention;
  private final Thread thread;
  private volatile boolean running = true;

  RetentionRunner(OnceflowConfig config, Database database, BooleanSupplier leading) {
    this.config = config;
    this.database = database;
    this.leading = leading;
    this.retention = new LedgerRetention(config.retentionChunkRows());
    this.thread = new Thread(this::run, "onceflow-ledger-retention");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        TimeUnit.MILLISECONDS.sleep(config.retentionIntervalMs());
        if (running && leading.getAsBoolean()) {
          pruneOnce();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // close() stops us: nothing else to do
    }
  }

  private void pruneOnce() {
    String job = config.jobName();
    try (Connection c = database.dedicatedConnection()) {
      long started = System.nanoTime();
      LedgerRetention.Pruned pruned =
          retention.prune(c, job, config.retentionMs(), () -> running && leading.getAsBoolean());
      if (pruned.deletedAnything()) {
        log.info(
            "Ledger retention of job '{}': deleted {} batch(es), {} task(s), {} worker row(s) older"
                + " than {} ms in {} transaction(s), {} ms; history now starts after batch {}",
            job, pruned.batches(), pruned.tasks(), pruned.workers(), config.retentionMs(),
            pruned.transactions(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
            pruned.throughBatch());
      }
    } catch (SQLException | RuntimeException e) {
      if (!running) {
        return; // stopping: the database may be closing under us
      }
      if (Retries.isRetriable(e)) {
        log.warn("Ledger retention of job '{}' hit a retriable error, trying again in {} ms: {}",
            job, config.retentionIntervalMs(), e.getMessage());
      } else {
        log.error("Ledger retention of job '{}' failed (the job goes on; trying again in {} ms): {}",
            job, config.retentionIntervalMs(), e.getMessage(), e);
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
