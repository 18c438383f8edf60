package io.onceflow.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link EngineRun} in a forked JVM ({@code -Xmx} as given, optionally with a JFR recording)
 * and reads back what it and the ledger say: drain time, peak heap, task times.
 */
final class EngineRunner {
  private final Path workDir;
  private final String heap;
  private final boolean jfr;
  private final List<String> extraJvmOptions;

  EngineRunner(Path workDir, String heap, boolean jfr, List<String> extraJvmOptions) {
    this.workDir = workDir;
    this.heap = heap;
    this.jfr = jfr;
    this.extraJvmOptions = extraJvmOptions;
  }

  /** A started engine JVM; {@link #await} waits for it to drain its records. */
  final class Fork {
    final String name;
    final Process process;
    final Path report;
    final Path log;

    Fork(String name, Process process, Path report, Path log) {
      this.name = name;
      this.process = process;
      this.report = report;
      this.log = log;
    }

    void awaitStarted(long timeoutMs) throws InterruptedException, IOException {
      long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
      Path marker = Path.of(report + ".started");
      while (!Files.exists(marker)) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("engine run " + name + " did not start; see " + log);
        }
        Thread.sleep(20);
      }
    }

    Properties await() throws InterruptedException, IOException {
      process.waitFor();
      Properties p = new Properties();
      if (Files.exists(report)) {
        try (Reader r = Files.newBufferedReader(report)) {
          p.load(r);
        }
      }
      if (process.exitValue() != 0 && p.getProperty("error") == null) {
        p.setProperty("error", "engine JVM exited with " + process.exitValue() + "; see " + log);
      }
      return p;
    }
  }

  Fork start(String name, Map<String, String> config, long records) throws IOException {
    Path configFile = workDir.resolve(name + ".properties");
    Properties p = new Properties();
    p.putAll(config);
    try (Writer w = Files.newBufferedWriter(configFile)) {
      p.store(w, "engine run " + name);
    }
    Path report = workDir.resolve(name + ".report");
    Path log = workDir.resolve(name + ".log");
    Files.deleteIfExists(report);
    Files.deleteIfExists(Path.of(report + ".started"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-Xms" + heap);
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    if (jfr) {
      command.add(
          "-XX:StartFlightRecording=filename="
              + workDir.resolve(name + ".jfr")
              + ",settings=profile,dumponexit=true");
    }
    command.addAll(extraJvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(EngineRun.class.getName());
    command.add(configFile.toString());
    command.add(Long.toString(records));
    command.add(report.toString());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return new Fork(name, process, report, log);
  }

  /** One committed task of the ledger, times in epoch milliseconds (database clock). */
  record Task(int partition, long from, long until, double startedMs, double committedMs) {
    double millis() {
      return committedMs - startedMs;
    }
  }

  static List<Task> tasks(String url, String job) throws SQLException {
    List<Task> tasks = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT partition, from_offset, until_offset,"
                    + " extract(epoch FROM started_at) * 1000, extract(epoch FROM committed_at) * 1000"
                    + " FROM onceflow.tasks WHERE job = ? AND state = 'committed'"
                    + " ORDER BY partition, from_offset")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          tasks.add(
              new Task(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getDouble(4), rs.getDouble(5)));
        }
      }
    }
    return tasks;
  }

  static long batches(String url, String job) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement s = c.prepareStatement("SELECT count(*) FROM onceflow.batches WHERE job = ?")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static void sleep(long ms) throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(ms);
  }
}
