package io.onceflow.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started from this JVM's class path, its output in a log file: an engine process of a
 * {@link JobUnderTest}, or any main class. For crash tests: freeze it at a protocol step with
 * {@link #crashAt}, then {@link #kill9()} it.
 *
 * <p>Logs go to {@code target/onceflow-processes/} unless the system property {@code
 * onceflow.it.logs} names another folder.
 */
public final class JobProcess implements AutoCloseable {
  /** Printed by a process frozen by {@code ONCEFLOW_CRASH_MODE=pause}. */
  public static final String PAUSED_MARKER = "ONCEFLOW-PAUSED-AT ";

  private final String name;
  private final Process process;
  private final Path log;

  private JobProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** An engine process: {@code role} is run, driver or worker. */
  public static JobProcess start(String name, String role, Path config, Map<String, String> env)
      throws IOException {
    return startMain(name, List.of(JobProcessMain.class.getName(), role, config.toString()), env);
  }

  /** Any main class and arguments, e.g. {@code io.onceflow.app.Main worker --config f}. */
  public static JobProcess startMain(String name, List<String> mainAndArgs, Map<String, String> env)
      throws IOException {
    Path logs = Paths.get(System.getProperty("onceflow.it.logs", "target/onceflow-processes"));
    Files.createDirectories(logs);
    Path log = logs.resolve(name + "-" + System.nanoTime() + ".log");
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(mainAndArgs);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("ONCEFLOW_") && !k.startsWith("ONCEFLOW_TEST_"));
    builder.environment().putAll(env);
    return new JobProcess(name, builder.start(), log);
  }

  /**
   * The environment that freezes a process the {@code nth} time it reaches {@code step} (a
   * {@code io.onceflow.crash.CrashPoint} id such as {@code worker.job-written}), printing {@link
   * #PAUSED_MARKER} and the step.
   */
  public static Map<String, String> crashAt(String step, int nth) {
    return Map.of(
        "ONCEFLOW_CRASH_AT", step,
        "ONCEFLOW_CRASH_AFTER", String.valueOf(nth),
        "ONCEFLOW_CRASH_MODE", "pause");
  }

  /** Waits until the process printed {@code marker}; fails with the log tail if it exits first. */
  public void awaitOutput(String marker, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (output().contains(marker)) {
        return;
      }
      if (!process.isAlive()) {
        if (output().contains(marker)) {
          return;
        }
        throw new AssertionError(name + " exited (" + process.exitValue() + ") before printing '"
            + marker + "':\n" + tail());
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError(name + " did not print '" + marker + "' within " + timeout + ":\n" + tail());
  }

  /** {@code kill -9}: no shutdown hook, no finally block, no goodbye to the database. */
  public void kill9() throws IOException, InterruptedException {
    signal("KILL");
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Sends a signal by name ({@code STOP}, {@code CONT}, {@code KILL} …) with {@code kill}. */
  public void signal(String signal) throws IOException, InterruptedException {
    int exit = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
    if (exit != 0) {
      throw new AssertionError("kill -" + signal + " " + process.pid() + " failed with " + exit);
    }
  }

  /** SIGTERM, then waits for the exit code. */
  public int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return awaitExit(timeout);
  }

  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still runs after " + timeout + ":\n" + tail());
    }
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public String output() throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  /** The last part of the output, for failure messages. */
  public String tail() {
    try {
      String all = output();
      return all.length() <= 6000 ? all : all.substring(all.length() - 6000);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
