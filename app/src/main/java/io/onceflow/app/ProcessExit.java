package io.onceflow.app;

/**
 * Ends the JVM with a command's exit code, and tells the shutdown hook of {@link
 * GracefulShutdown} that this exit is deliberate, so it does not replace the code with its own.
 */
final class ProcessExit {
  private static volatile boolean requested;

  private ProcessExit() {}

  static void exit(int code) {
    requested = true;
    System.exit(code);
  }

  /** True once {@link #exit} was called: the JVM is ending because a command returned. */
  static boolean requested() {
    return requested;
  }
}
