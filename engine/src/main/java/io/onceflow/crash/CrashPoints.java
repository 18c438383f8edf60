package io.onceflow.crash;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-only switch that stops the process exactly at a named protocol step.
 *
 * <p>Read once from the environment at start and inert when unset (one field read per step):
 *
 * <ul>
 *   <li>{@code ONCEFLOW_CRASH_AT} — the step id, e.g. {@code worker.job-written};
 *   <li>{@code ONCEFLOW_CRASH_AFTER} — stop at the n-th time the step is reached (default 1);
 *   <li>{@code ONCEFLOW_CRASH_MODE} — {@code halt} (default): print {@code ONCEFLOW-HALT-AT
 *       <step>}, then {@code Runtime.halt(137)}, no shutdown hook, no finally block, as a power
 *       cut; {@code pause}: print {@code ONCEFLOW-PAUSED-AT <step>} on stdout and freeze that
 *       thread, so that a test can {@code kill -9} the process at a known point; {@code stall}:
 *       print {@code ONCEFLOW-STALLED-AT <step>}, freeze the thread for {@code
 *       ONCEFLOW_CRASH_STALL_MS}, then go on as if nothing happened — a zombie, like a worker back
 *       from a long GC pause or a SIGSTOP.
 * </ul>
 */
public final class CrashPoints {
  public static final String PAUSED_MARKER = "ONCEFLOW-PAUSED-AT ";
  public static final String STALLED_MARKER = "ONCEFLOW-STALLED-AT ";
  public static final String RESUMED_MARKER = "ONCEFLOW-RESUMED-AT ";
  public static final String HALTED_MARKER = "ONCEFLOW-HALT-AT ";
  /** The exit code of a halted process: 128 + SIGKILL, what a {@code kill -9} leaves too. */
  public static final int HALTED_EXIT_CODE = 137;

  private enum Mode {
    HALT,
    PAUSE,
    STALL
  }
  private static volatile CrashPoints active = fromEnvironment(System.getenv(), System.out);

  private final CrashPoint point;
  private final int after;
  private final Mode mode;
  private final long stallMs;
  private final PrintStream out;
  private final AtomicInteger hits = new AtomicInteger();

  private CrashPoints(CrashPoint point, int after, Mode mode, long stallMs, PrintStream out) {
    this.point = point;
    this.after = after;
    this.mode = mode;
    this.stallMs = stallMs;
    this.out = out;
  }

  static CrashPoints fromEnvironment(Map<String, String> env, PrintStream out) {
    String at = env.get("ONCEFLOW_CRASH_AT");
    if (at == null || at.isBlank()) {
      return null;
    }
    int after = Integer.parseInt(env.getOrDefault("ONCEFLOW_CRASH_AFTER", "1"));
    Mode mode = Mode.valueOf(env.getOrDefault("ONCEFLOW_CRASH_MODE", "halt").trim().toUpperCase());
    long stallMs = Long.parseLong(env.getOrDefault("ONCEFLOW_CRASH_STALL_MS", "10000"));
    return new CrashPoints(CrashPoint.byId(at.trim()), after, mode, stallMs, out);
  }

  /** Called by the engine at each step; does nothing unless a test armed this step. */
  public static void reach(CrashPoint step) {
    CrashPoints armed = active;
    if (armed != null && armed.point == step) {
      armed.hit();
    }
  }

  private void hit() {
    if (hits.incrementAndGet() != after) {
      return;
    }
    if (mode == Mode.STALL) {
      out.println(STALLED_MARKER + point.id());
      out.flush();
      try {
        Thread.sleep(stallMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.println(RESUMED_MARKER + point.id());
      out.flush();
      return;
    }
    if (mode == Mode.PAUSE) {
      out.println(PAUSED_MARKER + point.id());
      out.flush();
      while (true) {
        try {
          Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
          // Frozen on purpose: only kill -9 ends this thread.
        }
      }
    }
    out.println(HALTED_MARKER + point.id());
    out.flush();
    Runtime.getRuntime().halt(HALTED_EXIT_CODE);
  }
}
