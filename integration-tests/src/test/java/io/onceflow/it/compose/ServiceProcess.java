package io.onceflow.it.compose;

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
 * One compose service's container, played by a process: the image's entrypoint {@code
 * deploy/onceflow} run with the service's command and exactly the environment given, nothing
 * inherited but {@code PATH} and {@code HOME} (a container does not see the host's variables
 * either). Output goes to a log file under {@code onceflow.it.logs}.
 */
final class ServiceProcess implements AutoCloseable {
  final String name;

  /** The environment it was given. */
  final Map<String, String> env;

  private final Path entrypoint;
  private final Process process;
  private final Path log;

  private ServiceProcess(
      String name, Path entrypoint, Map<String, String> env, Process process, Path log) {
    this.name = name;
    this.entrypoint = entrypoint;
    this.env = Map.copyOf(env);
    this.process = process;
    this.log = log;
  }

  /** Starts the entrypoint with {@code command} and exactly {@code env} (plus PATH and HOME). */
  static ServiceProcess start(
      String name, Path entrypoint, List<String> command, Map<String, String> env)
      throws IOException {
    Path logs =
        Files.createDirectories(
            Paths.get(System.getProperty("onceflow.it.logs", "target/it-logs")));
    Path log = logs.resolve("compose-" + name + "-" + System.nanoTime() + ".log");
    Process process = builder(entrypoint, command, env).redirectOutput(log.toFile()).start();
    return new ServiceProcess(name, entrypoint, env, process, log);
  }

  /**
   * {@code docker compose exec SERVICE onceflow ARGS}: the entrypoint again, with this service's
   * environment; returns its output, or fails with it if the exit code is not 0.
   */
  String exec(List<String> args, Duration timeout) throws IOException, InterruptedException {
    Process p = builder(entrypoint, args, env).start();
    byte[] output = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("onceflow " + args + " did not finish within " + timeout);
    }
    String text = new String(output, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new AssertionError("onceflow " + args + " exited " + p.exitValue() + ":\n" + text);
    }
    return text;
  }

  private static ProcessBuilder builder(
      Path entrypoint, List<String> command, Map<String, String> env) {
    List<String> argv = new ArrayList<>(List.of("sh", entrypoint.toString()));
    argv.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
    Map<String, String> environment = builder.environment();
    String home = environment.getOrDefault("HOME", "/tmp");
    environment.clear();
    // The image's PATH finds its JRE's java; here it is this JVM's.
    environment.put("PATH", Paths.get(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
    environment.put("HOME", home);
    environment.putAll(env);
    return builder;
  }

  long pid() {
    return process.pid();
  }

  /** {@code docker stop}: SIGTERM, then the exit code. */
  int stop(Duration grace) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still runs " + grace + " after SIGTERM:\n" + tail());
    }
    return process.exitValue();
  }

  String output() throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  String tail() {
    try {
      String all = output();
      return "---- "
          + name
          + " ----\n"
          + (all.length() <= 5000 ? all : all.substring(all.length() - 5000));
    } catch (IOException e) {
      return "(no log for " + name + ": " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
