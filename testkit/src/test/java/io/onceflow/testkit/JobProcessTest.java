package io.onceflow.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link JobProcess} on a main class of its own: no broker, no database. */
class JobProcessTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** Prints its class path and an environment variable, then exits with the code it is given. */
  public static final class Echo {
    public static void main(String[] args) {
      System.out.println("CLASSPATH " + System.getProperty("java.class.path"));
      System.out.println("GREETING " + System.getenv("JOB_PROCESS_TEST_GREETING"));
      System.exit(Integer.parseInt(args[0]));
    }
  }

  @Test
  void runsFromOneCopyOfTheClassPathAndNeverFromTheLiveOne() throws Exception {
    List<String> live = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
    String first = classPathOf(echo(0));
    String second = classPathOf(echo(0));
    assertEquals(first, second, "one copy per JVM");
    for (String entry : first.split(File.pathSeparator)) {
      assertFalse(live.contains(entry), "a live class path entry: " + entry);
      assertTrue(Files.exists(Path.of(entry)), "copied: " + entry);
    }
  }

  @Test
  void returnsTheExitCodeAndTheOutputWithTheEnvironmentGiven() throws Exception {
    try (JobProcess p = echo(3)) {
      assertEquals(3, p.awaitExit(TIMEOUT), p.tail());
      assertTrue(p.output().contains("GREETING hello"), p.tail());
    }
  }

  @Test
  void aSignalToAProcessThatIsGoneFailsWithItsOutput() throws Exception {
    try (JobProcess p = echo(0)) {
      assertEquals(0, p.awaitExit(TIMEOUT), p.tail());
      AssertionError e = assertThrows(AssertionError.class, () -> p.signal("CONT"));
      assertTrue(e.getMessage().contains("exited (0) before") && e.getMessage().contains("GREETING hello"),
          e.getMessage());
    }
  }

  private static JobProcess echo(int exitCode) throws Exception {
    return JobProcess.startMain(
        "echo", List.of(Echo.class.getName(), String.valueOf(exitCode)), Map.of("JOB_PROCESS_TEST_GREETING", "hello"));
  }

  private static String classPathOf(JobProcess p) throws Exception {
    try (p) {
      assertEquals(0, p.awaitExit(TIMEOUT), p.tail());
      String line = p.output().lines().filter(l -> l.startsWith("CLASSPATH ")).findFirst().orElseThrow();
      return line.substring("CLASSPATH ".length());
    }
  }
}
