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
 * <p>A signal that arrives while the engine is still starting (connecting, migrating the ledger)
 * finds no engine to stop: the start-up is cut short and the process exits 0 too, an orderly stop
 * asked for early. A task a worker thread may just have claimed is not committed; its lease runs
 * out. Only while the command's thread is still in its start-up, though: a JVM ending because that
 * thread died (an {@code Error} out of {@code main}) keeps its own exit code.
 */
final class GracefulShutdown {
  private final AtomicReference<Engine> engine = new AtomicReference<>();
  private final Thread command;

  private GracefulShutdown(Thread command) {
    this.command = command;
  }

  /**
   * Registers the hook, from the command's thread; hand it the engine with {@link #watch} once it
   * has started.
   */
  static GracefulShutdown install() {
    GracefulShutdown shutdown = new GracefulShutdown(Thread.currentThread());
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
      if (signalled && command.isAlive()) {
        haltWith(ExitCodes.OK); // stopped during start-up
      }
      return;
    }
    running.stop();
    if (signalled) {
      haltWith(running.failure().isPresent() ? ExitCodes.FAILURE : ExitCodes.OK);
    }
  }

  private static void haltWith(int code) {
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(code);
  }
}
