package io.onceflow.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What the machine is and how busy it is, from /proc (Linux); "unknown" elsewhere. */
final class Machine {
  private Machine() {}

  static String describe() {
    return String.format(
        Locale.ROOT,
        "%d cores (nproc), %s memory, %s",
        Runtime.getRuntime().availableProcessors(),
        memory(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
  }

  /** The 1-minute load average, or NaN. */
  static double loadAverage1() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return Double.parseDouble(fields[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static String memory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return String.format(Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return "unknown";
  }
}
