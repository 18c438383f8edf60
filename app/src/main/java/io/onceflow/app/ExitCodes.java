package io.onceflow.app;

/**
 * The exit codes of every {@code onceflow} command, so that scripts and service managers can tell
 * a bad configuration (fix the file, do not restart) from a failure (restarting may help).
 */
public final class ExitCodes {
  /** Finished, or stopped gracefully by SIGTERM / Ctrl-C; the demo: its verdict passed. */
  public static final int OK = 0;

  /**
   * The job failed, a server refused the process at start or stayed unreachable past {@code
   * startup.retry.max.ms}, or the demo's verdict failed or timed out.
   */
  public static final int FAILURE = 1;

  /** Bad command line or configuration: nothing was started or written. */
  public static final int CONFIG = 2;

  private ExitCodes() {}
}
