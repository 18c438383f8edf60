package io.onceflow.it;

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
 * An {@code onceflow driver|worker|run} process started from this JVM's class path, its output in
 * a log file, so that a test can kill it with {@code kill -9} at a known point.
 */
final class EngineProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private EngineProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static EngineProcess start(String name, String role, Path config, Map<String, String> env)
      throws IOException {
    Path logs = Paths.get(System.getProperty("onceflow.it.logs", "target/it-logs"));
    Files.createDirectories(logs);
    Path log = logs.resolve(name + "-" + System.nanoTime() + ".log");
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(PrivateClassPath.get());
    command.add("io.onceflow.app.Main");
    command.add(role);
    command.add("--config");
    command.add(config.toString());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("ONCEFLOW_"));
    builder.environment().putAll(env);
    return new EngineProcess(name, builder.start(), log);
  }

  /** Waits until the process printed {@code marker}; fails with the log tail if it exits first. */
  void awaitOutput(String marker, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (output().contains(marker)) {
        return;
      }
      if (!process.isAlive() && !output().contains(marker)) {
        throw new AssertionError(name + " exited (" + process.exitValue() + ") before printing '"
            + marker + "':\n" + tail());
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError(name + " did not print '" + marker + "' within " + timeout + ":\n" + tail());
  }

  /** {@code kill -9}: no shutdown hook, no finally block, no goodbye to the database. */
  void kill9() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-9", String.valueOf(process.pid())).inheritIO().start();
    kill.waitFor();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Sends a signal by name ({@code STOP}, {@code CONT}, …) with the {@code kill} command. */
  void signal(String name) throws IOException, InterruptedException {
    int exit = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start().waitFor();
    if (exit != 0) {
      throw new AssertionError("kill -" + name + " " + process.pid() + " failed with " + exit);
    }
  }

  /** SIGTERM, then waits for the exit code. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not exit within " + timeout + " after SIGTERM:\n" + tail());
    }
    return process.exitValue();
  }

  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still runs after " + timeout + ":\n" + tail());
    }
    return process.exitValue();
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String output() throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  String tail() {
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
