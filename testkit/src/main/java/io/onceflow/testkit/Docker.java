package io.onceflow.testkit;

import org.testcontainers.DockerClientFactory;

/**
 * Whether the fixtures may use Testcontainers. Asks {@link DockerClientFactory} once per JVM (about
 * 0.3 s when no engine runs; Testcontainers caches the answer) and never lets a missing engine
 * surface as an exception: without Docker the fixtures use the local servers instead.
 *
 * <p>{@value #DISABLE_ENV}{@code =false} (or {@code -D}{@value #DISABLE_PROPERTY}{@code =false})
 * keeps the fixtures off Docker even where it runs.
 */
final class Docker {

  static final String DISABLE_ENV = "ONCEFLOW_TEST_DOCKER";
  static final String DISABLE_PROPERTY = "onceflow.test.docker";

  private static volatile Boolean available;

  private Docker() {}

  static boolean available() {
    Boolean known = available;
    if (known == null) {
      known = !disabled() && ask();
      available = known;
    }
    return known;
  }

  /** Why Docker is or is not used, for error messages. */
  static String describe() {
    if (disabled()) {
      return "Docker: not used (" + DISABLE_ENV + "/" + DISABLE_PROPERTY + "=false)";
    }
    return available()
        ? "Docker: available"
        : "Docker: not available (DockerClientFactory.isDockerAvailable() is false)";
  }

  private static boolean disabled() {
    String value = System.getProperty(DISABLE_PROPERTY, System.getenv(DISABLE_ENV));
    return "false".equalsIgnoreCase(value);
  }

  private static boolean ask() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      // a broken or absent Testcontainers must not stop tests that can run without it
      return false;
    }
  }
}
