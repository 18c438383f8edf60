package io.onceflow.embedded;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;

/**
 * Main class of the forked broker JVM: exits that JVM when the JVM that launched it is gone, then
 * hands over to the real main class.
 *
 * <p>Why: {@link EmbeddedKafkaBroker} stops its broker from a shutdown hook, but a parent killed
 * with {@code kill -9} (or by a test runner's hard timeout) runs no hooks, and the broker would
 * live on, holding its ports and half a gigabyte of heap. The watchdog notices the parent's exit by
 * polling its process handle (the JDK does this for a non-child process; expect a second or two of
 * delay) and calls {@link System#exit}, which runs Kafka's own graceful-shutdown hook.
 *
 * <p>Arguments: {@code <parent pid> <main class> <main class arguments...>}. Runs inside the broker
 * JVM, so it must use only the JDK.
 */
final class ParentWatchdog {

  private ParentWatchdog() {}

  public static void main(String[] args) throws Throwable {
    if (args.length < 2) {
      System.err.println("usage: ParentWatchdog <parent pid> <main class> [args...]");
      System.exit(2);
    }
    long parentPid = Long.parseLong(args[0]);
    Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
    if (parent.isEmpty() || !parent.get().isAlive()) {
      System.err.println("onceflow: parent process " + parentPid + " is gone; not starting");
      System.exit(3);
    }
    parent
        .get()
        .onExit()
        .thenRun(
            () -> {
              System.err.println(
                  "onceflow: parent process " + parentPid + " exited; shutting the broker down");
              System.exit(0);
            });

    Method main = Class.forName(args[1]).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
