package io.onceflow.testkit;

import io.onceflow.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The broker behind a {@link TestKafka}: a forked embedded broker or a Testcontainers container.
 */
interface KafkaServer {

  String bootstrapServers();

  /** Stops the server and releases what it holds; idempotent. */
  void close();

  default void stop() {
    throw unsupported();
  }

  default void kill() {
    throw unsupported();
  }

  default void restart() {
    throw unsupported();
  }

  private UnsupportedOperationException unsupported() {
    return new UnsupportedOperationException(
        this + " cannot be stopped or restarted by a test; use TestKafka.startPrivate()");
  }

  /** A forked broker over a temporary data directory, deleted when the server is closed. */
  static KafkaServer embedded(Map<String, String> brokerProps) {
    Path dataDir;
    try {
      dataDir = Files.createTempDirectory("onceflow-test-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a data directory for the test broker", e);
    }
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, brokerProps);
    return new Embedded(broker);
  }

  /** An apache/kafka container of the kafka-clients version on the classpath. */
  static KafkaServer container() {
    String image =
        System.getProperty("onceflow.test.kafka.image", "apache/kafka:" + clientsVersion());
    KafkaContainer container =
        new KafkaContainer(DockerImageName.parse(image))
            // the same rules as the embedded broker: topics exist only when created
            .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
            .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
            .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1");
    container.start();
    return new Container(container, image);
  }

  /**
   * The kafka-clients version on the classpath, from the properties file inside its jar (its public
   * API has no accessor); "latest" if the file is missing.
   */
  private static String clientsVersion() {
    try (InputStream in =
        KafkaServer.class.getClassLoader().getResourceAsStream("kafka/kafka-version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "latest");
    } catch (IOException e) {
      return "latest";
    }
  }

  /** Delegates to an {@link EmbeddedKafkaBroker}; all operations are supported. */
  final class Embedded implements KafkaServer {
    private final EmbeddedKafkaBroker broker;

    Embedded(EmbeddedKafkaBroker broker) {
      this.broker = broker;
    }

    @Override
    public String bootstrapServers() {
      return broker.bootstrapServers();
    }

    @Override
    public void stop() {
      broker.stop();
    }

    @Override
    public void kill() {
      broker.kill();
    }

    @Override
    public void restart() {
      broker.restart();
    }

    @Override
    public synchronized void close() {
      broker.stop();
      Path dir = broker.dataDir();
      if (Files.exists(dir)) {
        try (Stream<Path> files = Files.walk(dir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
          // leftover files in the temp directory are harmless
        }
      }
    }

    @Override
    public String toString() {
      return "embedded broker "
          + broker.bootstrapServers()
          + " (pid "
          + broker.pid()
          + ", log "
          + broker.logFile()
          + ")";
    }
  }

  /**
   * Delegates to a container. Stop and restart are not offered: a restarted container gets new host
   * ports, which is not the outage a test means to simulate.
   */
  final class Container implements KafkaServer {
    private final KafkaContainer container;
    private final String image;

    Container(KafkaContainer container, String image) {
      this.container = container;
      this.image = image;
    }

    @Override
    public String bootstrapServers() {
      return container.getBootstrapServers();
    }

    @Override
    public void close() {
      container.stop();
    }

    @Override
    public String toString() {
      return "Testcontainers " + image;
    }
  }
}
