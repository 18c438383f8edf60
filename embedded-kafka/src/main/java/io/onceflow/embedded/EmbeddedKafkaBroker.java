package io.onceflow.embedded;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) running in a forked
 * JVM, for tests, examples and the embedded mode.
 *
 * <p>The broker runs from {@code org.apache.kafka:kafka_2.13} in its own OS process, so Scala,
 * log4j and Kafka's server jars never meet the caller's classpath; this class uses only the JDK.
 * The broker's jars are named by a classpath file built into this module's jar (see {@code
 * BrokerClasspath}; overridable with {@code -Donceflow.broker.classpath} or {@code
 * ONCEFLOW_BROKER_CLASSPATH}).
 *
 * <h2>Data directory</h2>
 *
 * <pre>
 * dataDir/server.properties   written at every launch (ports, listeners, defaults, extras)
 * dataDir/log4j2.properties   the broker's logging: INFO to stdout
 * dataDir/broker.log          stdout and stderr of the format step and of every launch, appended
 * dataDir/logs/               Kafka's log.dirs; holds meta.properties once formatted
 * </pre>
 *
 * A data directory without {@code logs/meta.properties} is formatted with a new cluster id; one
 * that has it is reused as is, so a broker can be stopped, killed and started again over the same
 * data. Two brokers on one data directory do not work (Kafka locks it; the second fails to start).
 *
 * <h2>Failure modes</h2>
 *
 * <table>
 *   <caption>What happens when</caption>
 *   <tr><th>situation</th><th>behaviour</th></tr>
 *   <tr><td>classpath file missing, or names jars that do not exist</td>
 *       <td>{@link EmbeddedKafkaException} saying where it looked and how to fix it</td></tr>
 *   <tr><td>format step fails or hangs (60 s)</td>
 *       <td>{@link EmbeddedKafkaException} with the tail of {@code broker.log}</td></tr>
 *   <tr><td>broker does not log "Kafka Server started" within 60 s, or exits first</td>
 *       <td>the process is killed; {@link EmbeddedKafkaException} with the exit code (if any) and
 *           the tail of {@code broker.log}</td></tr>
 *   <tr><td>a picked port is taken before the broker binds it</td>
 *       <td>first start: new ports, up to 3 attempts; {@link #restart()}: an exception, since the
 *           address must stay the same</td></tr>
 *   <tr><td>the calling JVM exits normally</td>
 *       <td>a shutdown hook sends SIGTERM to every running broker and waits up to 15 s</td></tr>
 *   <tr><td>the calling JVM is killed ({@code kill -9}, a runner's hard timeout)</td>
 *       <td>no hook can run; a watchdog inside the broker JVM ({@code ParentWatchdog}) sees the
 *           parent's exit within a second or two and shuts the broker down. If this class's own
 *           location cannot be found the watchdog is not used, and such a broker outlives its
 *           parent: find it by {@link #pid()} or by the port in {@code server.properties}</td></tr>
 *   <tr><td>the caller is interrupted while starting or stopping</td>
 *       <td>the broker process is killed, the interrupt flag is restored, and start throws</td></tr>
 * </table>
 *
 * <h2>Threading</h2>
 *
 * Safe for use from several threads: the lifecycle methods are {@code synchronized} and block until
 * the process has started or ended, so a test thread calling {@link #kill()} waits for a concurrent
 * {@link #restart()} to finish first. The accessors never block.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  /** How long a launch may take before it is declared failed. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
  private static final String READY_LINE = "Kafka Server started";
  private static final String BIND_FAILURE = "Address already in use";
  private static final int PORT_ATTEMPTS = 3;
  private static final int TAIL_LINES = 40;
  private static final List<String> BROKER_JVM_OPTIONS =
      List.of(
          "-Xms64m",
          "-Xmx512m",
          "-XX:+ExitOnOutOfMemoryError",
          "-Djava.awt.headless=true",
          "-Dlog4j2.disable.jmx=true");
  // The format tool lives a second: the C1 compiler and a serial GC save about 0.2 s of it.
  private static final List<String> TOOL_JVM_OPTIONS =
      List.of(
          "-Xmx256m",
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC",
          "-Djava.awt.headless=true",
          "-Dlog4j2.disable.jmx=true");

  private final Path dataDir;
  private final Map<String, String> extraProps;
  private final List<Path> classpath;
  private final BrokerLog log;
  private int port;
  private int controllerPort;
  // volatile: read without the lock by the accessors and the JVM shutdown hook
  private volatile Process process;

  private EmbeddedKafkaBroker(Path dataDir, Map<String, String> extraProps, List<Path> classpath) {
    this.dataDir = dataDir;
    this.extraProps = extraProps;
    this.classpath = classpath;
    this.log = new BrokerLog(dataDir.resolve("broker.log"));
  }

  /** Starts a broker with the default configuration; see {@link #start(Path, Map)}. */
  public static EmbeddedKafkaBroker start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  /**
   * Formats {@code dataDir} if it is new, starts a broker over it on two free loopback ports and
   * returns once the broker has logged that it started (typically 2 to 4 s on two cores).
   *
   * @param extraProps broker properties added to, or replacing, the defaults (for example {@code
   *     log.retention.check.interval.ms}); keys the launcher derives from its ports and data
   *     directory ({@code listeners}, {@code log.dirs}, {@code node.id} ...) are refused
   * @throws IllegalArgumentException if {@code extraProps} names a key the launcher owns
   * @throws EmbeddedKafkaException if the broker cannot be found, formatted or started
   */
  public static EmbeddedKafkaBroker start(Path dataDir, Map<String, String> extraProps) {
    Objects.requireNonNull(dataDir, "dataDir");
    Map<String, String> extras = BrokerConfig.checkExtras(extraProps);
    List<Path> classpath = BrokerClasspath.resolve();
    Path dir = dataDir.toAbsolutePath();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create broker data directory " + dir, e);
    }
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, extras, classpath);
    broker.startOnFreshPorts();
    return broker;
  }

  /** {@code 127.0.0.1:<port>} of the PLAINTEXT listener; stays the same across restarts. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Stops the broker gracefully (SIGTERM, then a kill after 30 s); no-op if it is not running. */
  public synchronized void stop() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      LiveBrokers.remove(this);
      return;
    }
    try {
      p.destroy();
      if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      LiveBrokers.remove(this);
    }
  }

  /**
   * Kills the broker at once ({@code SIGKILL}), as a crash would: nothing is flushed, the next
   * start recovers its logs. Returns once the process is gone; no-op if it is not running.
   */
  public synchronized void kill() {
    Process p = process;
    if (p == null) {
      return;
    }
    try {
      p.destroyForcibly().waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      LiveBrokers.remove(this);
    }
  }

  /**
   * Starts the broker again over the same data directory and the same ports, stopping it first if
   * it runs, so clients configured with {@link #bootstrapServers()} reconnect by themselves. After
   * a {@link #kill()} this takes about 3 s longer than after a {@link #stop()}: the restarted
   * broker cannot register until its controller has timed out the killed incarnation's session
   * ({@code broker.session.timeout.ms}, 3 s here).
   *
   * @throws EmbeddedKafkaException if it does not come up (for example because another process took
   *     one of its ports meanwhile)
   */
  public synchronized void restart() {
    stop();
    writeConfigFiles();
    launch(false);
  }

  /** Whether the broker process is alive (it may still be starting or stopping). */
  public boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** The OS process id of the current, or last, broker process. */
  public long pid() {
    return process.pid();
  }

  /** The data directory, absolute. */
  public Path dataDir() {
    return dataDir;
  }

  /** The broker's log (format step and every launch, appended): the first place to look. */
  public Path logFile() {
    return log.file();
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "EmbeddedKafkaBroker[" + bootstrapServers() + ", " + dataDir + "]";
  }

  private synchronized void startOnFreshPorts() {
    for (int attempt = 1; ; attempt++) {
      int[] ports = FreePorts.pick(2);
      port = ports[0];
      controllerPort = ports[1];
      writeConfigFiles();
      formatIfNeeded();
      if (launch(attempt < PORT_ATTEMPTS)) {
        return;
      }
    }
  }

  private Path serverProperties() {
    return dataDir.resolve("server.properties");
  }

  private Path log4jConfig() {
    return dataDir.resolve("log4j2.properties");
  }

  private Path logDirs() {
    return dataDir.resolve("logs");
  }

  private void writeConfigFiles() {
    Map<String, String> props =
        BrokerConfig.serverProperties(port, controllerPort, logDirs(), extraProps);
    try {
      Files.writeString(serverProperties(), BrokerConfig.render(props), StandardCharsets.UTF_8);
      Files.writeString(log4jConfig(), BrokerConfig.log4j2Properties(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write broker configuration in " + dataDir, e);
    }
  }

  /** Runs Kafka's StorageTool once, when the data directory has never been formatted. */
  private void formatIfNeeded() {
    if (Files.exists(logDirs().resolve("meta.properties"))) {
      return;
    }
    String clusterId = BrokerConfig.newClusterId();
    log.mark("formatting " + logDirs() + " with cluster id " + clusterId);
    List<String> command =
        javaCommand(
            false,
            "kafka.tools.StorageTool",
            List.of("format", "-t", clusterId, "-c", serverProperties().toString()));
    Process p = startProcess(command);
    try {
      if (!p.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw failure("formatting " + logDirs() + " did not finish within " + START_TIMEOUT);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new EmbeddedKafkaException("interrupted while formatting " + logDirs(), e);
    }
    if (p.exitValue() != 0) {
      throw failure("formatting " + logDirs() + " failed with exit code " + p.exitValue());
    }
  }

  /**
   * Launches the broker and waits until it is ready.
   *
   * @return false only if it failed to bind a port and {@code mayRetryOnOtherPorts}
   */
  private boolean launch(boolean mayRetryOnOtherPorts) {
    long offset =
        log.mark(
            "starting broker on " + bootstrapServers() + ", controller port " + controllerPort);
    Process p =
        startProcess(javaCommand(true, "kafka.Kafka", List.of(serverProperties().toString())));
    process = p;
    LiveBrokers.add(this);
    BrokerLog.Scanner ready = log.scanFrom(offset, READY_LINE);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!ready.found()) {
      if (!p.isAlive()) {
        LiveBrokers.remove(this);
        if (mayRetryOnOtherPorts && log.scanFrom(offset, BIND_FAILURE).found()) {
          return false;
        }
        throw failure("broker exited with code " + p.exitValue() + " before it was ready");
      }
      if (System.nanoTime() - deadline > 0) {
        kill();
        throw failure("broker did not log '" + READY_LINE + "' within " + START_TIMEOUT);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        kill();
        Thread.currentThread().interrupt();
        throw new EmbeddedKafkaException("interrupted while waiting for the broker to start", e);
      }
    }
    return true;
  }

  private EmbeddedKafkaException failure(String what) {
    return new EmbeddedKafkaException(
        what
            + " (data directory "
            + dataDir
            + "). Last lines of "
            + log.file()
            + ":\n"
            + log.tail(TAIL_LINES));
  }

  private Process startProcess(List<String> command) {
    try {
      return new ProcessBuilder(command)
          .directory(dataDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(Redirect.appendTo(log.file().toFile()))
          .start();
    } catch (IOException e) {
      throw new EmbeddedKafkaException("cannot start " + command.get(0), e);
    }
  }

  /**
   * {@code java [options] -cp <broker classpath> [ParentWatchdog <our pid>] <main> <args>}. With
   * {@code watchParent} (the long-running broker) the broker's JVM options and, when this class's
   * location is known, the watchdog; without it (the format tool) options for a short-lived JVM.
   */
  private List<String> javaCommand(boolean watchParent, String mainClass, List<String> args) {
    List<Path> entries = new ArrayList<>();
    Optional<Path> launcher = watchParent ? BrokerClasspath.launcherLocation() : Optional.empty();
    launcher.ifPresent(entries::add);
    entries.addAll(classpath);

    List<String> command = new ArrayList<>();
    command.add(javaExecutable().toString());
    command.addAll(watchParent ? BROKER_JVM_OPTIONS : TOOL_JVM_OPTIONS);
    command.add("-Dlog4j2.configurationFile=" + log4jConfig());
    command.add("-cp");
    command.add(
        entries.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
    if (launcher.isPresent()) {
      command.add(ParentWatchdog.class.getName());
      command.add(Long.toString(ProcessHandle.current().pid()));
    }
    command.add(mainClass);
    command.addAll(args);
    return command;
  }

  private static Path javaExecutable() {
    Path bin = Path.of(System.getProperty("java.home"), "bin");
    Path java = bin.resolve("java");
    return Files.exists(java) ? java : bin.resolve("java.exe");
  }

  /**
   * Brokers whose process this JVM started and has not stopped; one shutdown hook stops them all
   * when the JVM exits normally. The hook reads {@code process} without taking a broker's lock,
   * since a thread that holds it may be the one blocked by the exit.
   */
  private static final class LiveBrokers {
    private static final Set<EmbeddedKafkaBroker> LIVE = ConcurrentHashMap.newKeySet();
    private static final Duration EXIT_GRACE = Duration.ofSeconds(15);

    static {
      try {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(LiveBrokers::stopAll, "onceflow-embedded-kafka-exit"));
      } catch (IllegalStateException alreadyExiting) {
        // first touched from another shutdown hook: the JVM is exiting, nothing left to guard
      }
    }

    static void add(EmbeddedKafkaBroker broker) {
      LIVE.add(broker);
    }

    static void remove(EmbeddedKafkaBroker broker) {
      LIVE.remove(broker);
    }

    private static void stopAll() {
      List<Process> running = new ArrayList<>();
      for (EmbeddedKafkaBroker broker : LIVE) {
        Process p = broker.process;
        if (p != null && p.isAlive()) {
          p.destroy();
          running.add(p);
        }
      }
      long deadline = System.nanoTime() + EXIT_GRACE.toNanos();
      for (Process p : running) {
        try {
          long left = Math.max(0, deadline - System.nanoTime());
          if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
            p.destroyForcibly();
          }
        } catch (InterruptedException e) {
          p.destroyForcibly();
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
