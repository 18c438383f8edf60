package io.onceflow.testkit;

import io.onceflow.config.OnceflowConfig;
import io.onceflow.runtime.Engine;
import java.nio.file.Path;

/**
 * The entry point of a {@link JobProcess}: {@code <run|driver|worker> <config file>}. Exits 0 after
 * a graceful stop (SIGTERM), 1 when the engine failed.
 */
public final class JobProcessMain {
  private JobProcessMain() {}

  public static void main(String[] args) throws Exception {
    Engine.Role role =
        switch (args[0]) {
          case "run" -> Engine.Role.LOCAL;
          case "driver" -> Engine.Role.DRIVER;
          case "worker" -> Engine.Role.WORKER;
          default -> throw new IllegalArgumentException("role must be run, driver or worker: " + args[0]);
        };
    Engine engine = Engine.start(OnceflowConfig.load(Path.of(args[1]), System.getenv()), role);
    Runtime.getRuntime().addShutdownHook(new Thread(engine::stop, "onceflow-test-shutdown"));
    engine.awaitTermination();
    if (engine.failure().isPresent()) {
      System.err.println("Job failed: " + engine.failure().get());
      Runtime.getRuntime().halt(1);
    }
  }
}
