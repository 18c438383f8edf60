package io.onceflow.testkit;

import io.onceflow.crash.CrashPoints;
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
 * A JVM started with this JVM's class path, its output in a log file: an engine process of a
 * {@link JobUnderTest}, or any main class. For crash tests: freeze it at a protocol step with
 * {@link #crashAt} and {@link #kill9()} it, or let it halt itself there ({@link #haltAt}); {@link
 * #signal signal("STOP")} and {@code "CONT"} make a zombie of it.
 *
 * <p>The process runs from a copy of the class path taken once per JVM, not from {@code target/}
 * and the local repository themselves: a build running meanwhile (an IDE, another {@code mvn
 * install}) would otherwise rewrite classes under a process the test restarts, which then fails
 * for reasons that have nothing to do with the job (see {@code PrivateClassPath}). Under Surefire or
 * Failsafe, set {@code <useManifestOnlyJar>false</useManifestOnlyJar>}: a manifest-only jar is
 * used as it is, not copied.
 *
 * <p>Logs go to {@code target/onceflow-processes/} unless the system property {@code
 * onceflow.it.logs} names another folder. The process inherits this JVM's environment but for
 * {@code ONCEFLOW_*} variables, which would override the job's configuration ({@code
 * ONCEFLOW_TEST_*} switches stay), and gets {@code env} on top.
 */
public final class JobProcess implements AutoCloseable {
  /** Printed by a process frozen by {@link #crashAt}, before the step. */
  public static final String PAUSED_MARKER = CrashPoints.PAUSED_MARKER;

  /** Printed by a process halted by {@link #haltAt}, before it halts. */
  public static final String HALTED_MARKER = CrashPoints.HALTED_MARKER;

  /** The exit code of a process halted by {@link #haltAt}. */
  public static final int HALTED_EXIT_CODE = CrashPoints.HALTED_EXIT_CODE;

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
    command.add(PrivateClassPath.get());
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
    return crashEnv(step, nth, "pause");
  }

  /**
   * The environment that halts a process the {@code nth} time it reaches {@code step}: it prints
   * {@link #HALTED_MARKER} and the step, then {@code Runtime.halt}s with {@link #HALTED_EXIT_CODE},
   * with no shutdown hook or finally block run, as a power cut would. The crash lands exactly at
   * the step without a test timing a {@code kill -9}; {@link #awaitExit} returns the exit code.
   */
  public static Map<String, String> haltAt(String step, int nth) {
    return crashEnv(step, nth, "halt");
  }

  private static Map<String, String> crashEnv(String step, int nth, String mode) {
    return Map.of(
        "ONCEFLOW_CRASH_AT", step,
        "ONCEFLOW_CRASH_AFTER", String.valueOf(nth),
        "ONCEFLOW_CRASH_MODE", mode);
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

  /**
   * Sends a signal by name ({@code STOP}, {@code CONT}, {@code KILL} …) with {@code kill}. Fails
   * with the log tail if the process is gone already: a crash test's victim must not die on its
   * own.
   */
  public void signal(String signal) throws IOException, InterruptedException {
    int exit = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
    if (exit != 0) {
      throw new AssertionError("kill -" + signal + " " + name + " (" + process.pid() + ") failed with " + exit
          + (process.isAlive() ? "" : "; it exited (" + process.exitValue() + ") before") + ":\n" + tail());
    }
  }

  /** SIGTERM, then waits for the exit code. */
  public int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return awaitExit(timeout);
  }

  /** Waits for the process to exit and returns its exit code; fails after {@code timeout}. */
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

  /** Everything the process printed so far (stdout and stderr). */
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
