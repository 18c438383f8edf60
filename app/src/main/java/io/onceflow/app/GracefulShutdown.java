package io.onceflow.app;

import io.onceflow.runtime.Engine;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stops an engine gracefully when the JVM is asked to end (SIGTERM from a service manager or
 * Kubernetes, Ctrl-C): the driver stops planning, workers finish or roll back their task and
 * release their leases, and the process exits 0.
 *
 * <p>Why the hook ends the JVM itself: a JVM that ends because of a signal reports {@code 128 +
 * signal} (143 for SIGTERM) whatever its hooks did, and a supervisor would count an orderly stop
 * as a crash. So once {@link Engine#stop()} has returned, the hook halts with 0 (or 1 if a part of
 * the engine had failed). It does not when the exit had been asked for by a command ({@link
 * ProcessExit}) before the hook started, whose code stands. Halting skips any hook still running; in these commands the
 * only other hooks are the JDK's own, which have nothing to flush.
 *
 * <p>A signal that arrives while the engine is still starting finds no engine and lets the JVM
 * end as signalled; nothing has been planned or claimed yet.
 */
final class GracefulShutdown {
  private final AtomicReference<Engine> engine = new AtomicReference<>();

  private GracefulShutdown() {}

  /** Registers the hook; hand it the engine with {@link #watch} once it has started. */
  static GracefulShutdown install() {
    GracefulShutdown shutdown = new GracefulShutdown();
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown::onExit, "onceflow-shutdown"));
    return shutdown;
  }

  void watch(Engine started) {
    engine.set(started);
  }

  private void onExit() {
    // Read first: the command's thread may return and ask for an exit while stop() runs.
    boolean signalled = !ProcessExit.requested();
    Engine running = engine.get();
    if (running == null) {
      return;
    }
    running.stop();
    if (signalled) {
      System.out.flush();
      System.err.flush();
      Runtime.getRuntime().halt(running.failure().isPresent() ? ExitCodes.FAILURE : ExitCodes.OK);
    }
  }
}
