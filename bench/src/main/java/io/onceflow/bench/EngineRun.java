package io.onceflow.bench;

import io.onceflow.config.OnceflowConfig;
import io.onceflow.runtime.Engine;
import java.io.Reader;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The engine side of one benchmark run, in a JVM of its own (so its heap limit and peak heap are
 * its own): starts the engine in local mode, waits until the ledger's committed offsets reach the
 * expected count, stops it and writes what it measured to a properties file.
 *
 * <p>Usage: {@code EngineRun <config.properties> <records> <report.properties>}. Writes {@code
 * <report>.started} once the engine runs, so the caller can start producing (latency runs).
 */
public final class EngineRun {
  private EngineRun() {}

  public static void main(String[] args) throws Exception {
    Path configFile = Path.of(args[0]);
    long records = Long.parseLong(args[1]);
    Path report = Path.of(args[2]);
    long timeoutMs = args.length > 3 ? Long.parseLong(args[3]) : 600_000;
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(configFile)) {
      p.load(r);
    }
    Map<String, String> settings = new HashMap<>();
    p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k)));
    OnceflowConfig config = OnceflowConfig.fromMap(settings);

    HeapSampler heap = new HeapSampler();
    heap.start();
    HeapAfterGc afterGc = HeapAfterGc.listen();
    long t0 = System.nanoTime();
    Properties out = new Properties();
    int exit = 0;
    try (Engine engine = Engine.start(config, Engine.Role.LOCAL);
        Connection c = DriverManager.getConnection(config.postgresUrl(), config.postgresProperties())) {
      long started = System.nanoTime();
      long cpuAtStart = processCpuNanos();
      Files.writeString(Path.of(report + ".started"), "started\n");
      long committed = 0;
      long deadline = started + timeoutMs * 1_000_000L;
      while (true) {
        committed = committed(c, config.jobName());
        if (committed >= records) {
          break;
        }
        if (engine.failure().isPresent()) {
          out.setProperty("error", "engine failed: " + engine.failure().get());
          exit = 2;
          break;
        }
        if (System.nanoTime() > deadline) {
          out.setProperty("error", "timed out with " + committed + " of " + records + " committed");
          exit = 3;
          break;
        }
        Thread.sleep(10);
      }
      long done = System.nanoTime();
      out.setProperty("committed", Long.toString(committed));
      out.setProperty("startSeconds", Double.toString((started - t0) / 1e9));
      out.setProperty("drainSeconds", Double.toString((done - started) / 1e9));
      out.setProperty("cpuSeconds", Double.toString((processCpuNanos() - cpuAtStart) / 1e9));
    }
    heap.stopSampling();
    out.setProperty("peakHeapUsedBytes", Long.toString(heap.peakUsed));
    out.setProperty("peakHeapAfterGcBytes", Long.toString(afterGc.peak()));
    out.setProperty("peakHeapPoolsBytes", Long.toString(peakOfPools()));
    out.setProperty("maxHeapBytes", Long.toString(Runtime.getRuntime().maxMemory()));
    long gcCount = 0;
    long gcMillis = 0;
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcCount += Math.max(0, gc.getCollectionCount());
      gcMillis += Math.max(0, gc.getCollectionTime());
    }
    out.setProperty("gcCount", Long.toString(gcCount));
    out.setProperty("gcMillis", Long.toString(gcMillis));
    try (Writer w = Files.newBufferedWriter(report)) {
      out.store(w, "EngineRun");
    }
    System.exit(exit);
  }

  /** CPU time of this whole JVM (all threads, GC included), in nanoseconds; -1 if unknown. */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  static long committed(Connection c, String job) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT coalesce(sum(until_offset - start_offset), 0) FROM onceflow.offsets"
                + " WHERE job = ?")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Sum of the heap pools' peaks: an upper bound of the peak heap in use (pools peak apart). */
  private static long peakOfPools() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /** Samples the heap in use every 5 ms; the peak includes garbage not yet collected. */
  private static final class HeapSampler extends Thread {
    private volatile boolean running = true;
    private volatile long peakUsed;

    HeapSampler() {
      super("bench-heap-sampler");
      setDaemon(true);
    }

    @Override
    public void run() {
      var memory = ManagementFactory.getMemoryMXBean();
      while (running) {
        long used = memory.getHeapMemoryUsage().getUsed();
        if (used > peakUsed) {
          peakUsed = used;
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void stopSampling() {
      running = false;
    }
  }
}
