package io.onceflow.it;

import io.onceflow.api.Job;
import io.onceflow.api.JobSetup;
import io.onceflow.api.Record;
import io.onceflow.api.RetriableException;
import io.onceflow.api.TaskContext;
import io.onceflow.connectors.postgres.SinkTable;
import java.io.EOFException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * A job with a bug of the kind users ship, chosen by {@code job.param.mode}. It stores every record
 * (value.format=string) in {@code seen}, then misbehaves on each record whose value starts with
 * "poison" (mode {@code all-fail}: on every record).
 *
 * <p>When {@code job.param.log.url} is set, every call is logged in {@code calls} over a
 * connection of its own in autocommit, so the log survives the task's rollbacks: how many calls,
 * on how many records, and how each ended.
 */
public final class MisbehavingJob implements Job<String> {
  private static final java.util.concurrent.atomic.AtomicBoolean HUNG =
      new java.util.concurrent.atomic.AtomicBoolean();
  private String mode;
  private Connection log;
  private long calls;
  private long poisonedCalls;

  @Override
  public void open(JobSetup setup) throws Exception {
    mode = setup.param("mode", "none");
    Connection c = setup.setupConnection();
    SinkTable.createIfMissing(
        c, "seen", "partition int, \"offset\" bigint, value text, PRIMARY KEY (partition, \"offset\")");
    SinkTable.createIfMissing(c, "settings_seen", "lock_timeout text, idle text, search_path text");
    if (mode.equals("set-session")) {
      weakenTheSession(c); // on the setup connection: returned to the pool with it
    }
    String logUrl = setup.param("log.url", "");
    if (!logUrl.isEmpty()) {
      log = DriverManager.getConnection(logUrl);
      try (Statement s = log.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS calls (n bigserial, records int, outcome text,"
            + " at timestamptz DEFAULT clock_timestamp())");
      }
    }
  }

  @Override
  public void process(List<Record<String>> records, TaskContext context) throws Exception {
    calls++;
    String outcome = "returned";
    try {
      run(records, context);
    } catch (Throwable t) {
      outcome = t.getClass().getSimpleName();
      throw t;
    } finally {
      logCall(records.size(), outcome);
    }
  }

  private void run(List<Record<String>> records, TaskContext context) throws Exception {
    Connection c = context.connection();
    if (mode.equals("set-session")) {
      recordSettings(c);
      weakenTheSession(c);
    }
    if (mode.equals("retriable-then-poison")
        && records.stream().anyMatch(r -> r.value().startsWith("poison")) && ++poisonedCalls <= 3) {
      // On the poisoned task's first claims: outages must not use up its attempts.
      throw new RetriableException("the job's own service is away (call " + calls + ")", null);
    }
    insert(c, records);
    for (Record<String> r : records) {
      if (mode.equals("all-fail") || r.value().startsWith("poison")) {
        misbehave(r, context);
      }
    }
  }

  private void misbehave(Record<String> r, TaskContext context) throws Exception {
    Connection c = context.connection();
    switch (mode) {
      case "error", "retriable-then-poison" -> throw new AssertionError("bad order at " + r.offset());
      case "eof" -> throw new IllegalStateException(
          "cannot decode " + r.offset(), new EOFException("truncated payload"));
      case "oom" -> throw new OutOfMemoryError("simulated: the job's cache grew without bound");
      case "all-fail" -> throw new IllegalStateException("cannot handle " + r.offset());
      case "swallow-sql" -> {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO seen VALUES (?, ?, 'again')")) {
          s.setInt(1, r.partition());
          s.setLong(2, r.offset()); // a duplicate key: aborts the transaction
          s.executeUpdate();
        } catch (SQLException ignored) {
          // "ignore errors": the bug under test
        }
      }
      case "sql-commit" -> ignoring(() -> execute(c, "COMMIT"));
      case "getconnection-commit" -> ignoring(() -> {
        try (Statement s = c.createStatement()) {
          s.getConnection().commit();
        }
      });
      case "unwrap-commit" -> ignoring(() -> ((Connection) c.unwrap(PGConnection.class)).commit());
      case "setautocommit" -> ignoring(() -> c.setAutoCommit(true));
      case "dead-letter-twice" -> {
        context.deadLetter(r, new IllegalStateException("first"));
        ignoring(() -> context.deadLetter(r, new IllegalStateException("second")));
      }
      // A call that never returns, once per process: the task time limit must end it.
      case "hang-sleep" -> {
        if (HUNG.compareAndSet(false, true)) {
          Thread.sleep(Long.MAX_VALUE);
        }
      }
      case "hang-sql" -> {
        if (HUNG.compareAndSet(false, true)) {
          execute(c, "SELECT pg_sleep(3600)");
        }
      }
      default -> throw new IllegalArgumentException("unknown job.param.mode " + mode);
    }
  }

  private static void insert(Connection c, List<Record<String>> records) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO seen VALUES (?, ?, ?)")) {
      for (Record<String> r : records) {
        s.setInt(1, r.partition());
        s.setLong(2, r.offset());
        s.setString(3, r.value());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  private static void weakenTheSession(Connection c) throws SQLException {
    execute(c, "SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0;"
        + " SET search_path = nowhere, public");
  }

  private static void recordSettings(Connection c) throws SQLException {
    execute(c, "INSERT INTO public.settings_seen SELECT current_setting('lock_timeout'),"
        + " current_setting('idle_in_transaction_session_timeout'), current_setting('search_path')");
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private interface Action {
    void run() throws Exception;
  }

  /** The worst a job can do with an error: swallow it and go on. */
  private static void ignoring(Action action) {
    try {
      action.run();
    } catch (Exception ignored) {
      // the bug under test
    }
  }

  private void logCall(int records, String outcome) throws SQLException {
    if (log == null) {
      return;
    }
    try (PreparedStatement s = log.prepareStatement("INSERT INTO calls (records, outcome) VALUES (?, ?)")) {
      s.setInt(1, records);
      s.setString(2, outcome);
      s.executeUpdate();
    }
  }

  @Override
  public void close() throws Exception {
    if (log != null) {
      log.close();
    }
  }
}
