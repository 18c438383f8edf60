package io.onceflow.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real headless Chromium (Debian's {@code chromium} package) for checking the status page as a
 * browser renders it: {@link #dumpDom} returns the DOM after the page's scripts ran, {@link
 * #screenshot} writes a PNG.
 *
 * <p>Missing Chromium fails the test with the command that installs it (CI's {@code .ci/run}
 * does); a browser test that skips itself silently would prove nothing.
 *
 * <p>Flags: headless as root in a sandbox-less container, no GPU, and none of Chromium's own
 * background traffic (this machine has no internet; without them it retries lookups of Google's
 * hosts at every start). A fresh profile directory per run.
 */
final class Chromium {
  private static final long TIMEOUT_SECONDS = 60;

  private Chromium() {}

  static Path executable() {
    String configured = System.getenv("ONCEFLOW_CHROMIUM");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    throw new AssertionError(
        "This test needs a headless Chromium and found none on PATH. Install it with"
            + " `apt-get update && apt-get install -y chromium` (.ci/run does), or point"
            + " ONCEFLOW_CHROMIUM at a Chromium or Chrome binary.");
  }

  /** The DOM after the page loaded and its scripts had {@code budgetMs} of (virtual) time. */
  static String dumpDom(String url, long budgetMs) throws IOException, InterruptedException {
    return run(List.of("--virtual-time-budget=" + budgetMs, "--dump-dom", url));
  }

  /** A screenshot of the page at 1280 x {@code height} pixels. */
  static void screenshot(String url, Path png, int height) throws IOException, InterruptedException {
    Files.createDirectories(png.toAbsolutePath().getParent());
    Files.deleteIfExists(png);
    run(List.of("--virtual-time-budget=3000", "--hide-scrollbars", "--window-size=1280," + height,
        "--screenshot=" + png.toAbsolutePath(), url));
    if (!Files.isRegularFile(png) || Files.size(png) == 0) {
      throw new AssertionError("Chromium wrote no screenshot to " + png);
    }
  }

  private static String run(List<String> args) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("onceflow-chromium-");
    Path output = Files.createTempFile("onceflow-chromium-", ".out");
    Path errors = Files.createTempFile("onceflow-chromium-", ".err");
    List<String> command = new ArrayList<>();
    command.add(executable().toString());
    command.addAll(
        List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--user-data-dir=" + profile));
    command.addAll(args);
    Process chromium =
        new ProcessBuilder(command).redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
    try {
      if (!chromium.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("Chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command);
      }
      String out = Files.readString(output, StandardCharsets.UTF_8);
      if (chromium.exitValue() != 0) {
        throw new AssertionError("Chromium exited " + chromium.exitValue() + ": "
            + Files.readString(errors, StandardCharsets.UTF_8));
      }
      return out;
    } finally {
      chromium.destroyForcibly();
      Files.deleteIfExists(output);
      Files.deleteIfExists(errors);
      deleteTree(profile);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
