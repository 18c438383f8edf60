package io.onceflow.embedded;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A JVM that starts a broker, writes its pid to a file and waits to be killed; used to show that
 * the broker does not outlive a parent that ran no shutdown hook.
 */
final class BrokerParentMain {

  private BrokerParentMain() {}

  public static void main(String[] args) throws Exception {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Path.of(args[0]));
    Path tmp = Path.of(args[1] + ".tmp");
    Files.writeString(tmp, Long.toString(broker.pid()));
    Files.move(tmp, Path.of(args[1]));
    Thread.sleep(Long.MAX_VALUE);
  }
}
