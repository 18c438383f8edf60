package io.onceflow.testkit;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A real Kafka broker for tests.
 *
 * <ul>
 *   <li>{@link #shared()}: one broker per JVM, started on first use and stopped when the JVM exits.
 *       It is a Testcontainers {@code apache/kafka} container when a Docker engine answers,
 *       otherwise a forked {@link io.onceflow.embedded.EmbeddedKafkaBroker} (about 3 to 4 s to
 *       format and start on two cores). Tests share it, so they must use their own topics ({@link
 *       #uniqueTopic(String)}) and may not stop it.
 *   <li>{@link #startPrivate()}: a broker of the caller's own, always a forked embedded broker,
 *       which {@link #stop()}, {@link #kill()} and {@link #restart()} on the same address, for
 *       outage tests. {@link #close()} stops it and deletes its data.
 * </ul>
 *
 * <p>Auto-creation of topics is off on both kinds: create topics with {@link #createTopic(String,
 * int)}, as the engine's users must.
 *
 * <p><b>Failures.</b> A broker that cannot start throws {@link
 * io.onceflow.embedded.EmbeddedKafkaException} with the tail of its log (or Testcontainers' own
 * exception). The shared broker is not tried again: later callers in the JVM get an {@link
 * IllegalStateException} caused by that first error, instead of each paying the start timeout.
 * Operations wait at most 30 s and then throw {@link IllegalStateException}.
 *
 * <p><b>Threading.</b> Safe for concurrent use; the admin client is thread-safe and shared.
 */
public final class TestKafka implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final KafkaServer server;
  private final boolean shared;
  private Admin admin; // guarded by this

  private TestKafka(KafkaServer server, boolean shared) {
    this.server = server;
    this.shared = shared;
  }

  /** The broker shared by every test in this JVM; starts it on first call. */
  public static TestKafka shared() {
    return SharedHolder.get();
  }

  /** Starts a broker for the caller alone; close it when done. */
  public static TestKafka startPrivate() {
    return startPrivate(Map.of());
  }

  /**
   * Starts a broker for the caller alone with extra broker properties, for example {@code
   * log.retention.check.interval.ms} for retention tests.
   */
  public static TestKafka startPrivate(Map<String, String> brokerProps) {
    return new TestKafka(KafkaServer.embedded(brokerProps), false);
  }

  /** {@code host:port} for clients' {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return server.bootstrapServers();
  }

  /** {@code prefix-<8 random hex digits>}: a topic name no other test uses. */
  public static String uniqueTopic(String prefix) {
    byte[] random = new byte[4];
    ThreadLocalRandom.current().nextBytes(random);
    return prefix + "-" + HexFormat.of().formatHex(random);
  }

  /**
   * Creates a topic with one replica and waits until every partition has a leader in the metadata
   * the admin client sees, so producers and consumers can use it at once.
   *
   * @return {@code name}
   * @throws IllegalStateException if the topic exists already, or is not ready within 30 s
   */
  public String createTopic(String name, int partitions) {
    Admin client = adminClient();
    await(
        "create topic " + name,
        () ->
            client
                .createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                .all()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      TopicDescription d = describe(client, name);
      if (d != null
          && d.partitions().size() == partitions
          && d.partitions().stream().map(TopicPartitionInfo::leader).allMatch(l -> l != null)) {
        return name;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "topic "
                + name
                + " has no leader for all "
                + partitions
                + " partitions after "
                + TIMEOUT
                + " on "
                + server);
      }
      sleep(50);
    }
  }

  /**
   * An admin client for this broker, created on first call and closed with this fixture (for the
   * shared broker: at JVM exit). Do not close it yourself.
   */
  public synchronized Admin adminClient() {
    if (admin == null) {
      admin =
          Admin.create(
              Map.of(
                  AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrapServers(),
                  AdminClientConfig.CLIENT_ID_CONFIG,
                  "onceflow-testkit-admin"));
    }
    return admin;
  }

  /** Stops a private broker gracefully; the shared one refuses. */
  public void stop() {
    requirePrivate().stop();
  }

  /** Kills a private broker's process ({@code kill -9}); the shared one refuses. */
  public void kill() {
    requirePrivate().kill();
  }

  /** Starts a private broker again on the same address and data; the shared one refuses. */
  public void restart() {
    requirePrivate().restart();
  }

  /**
   * Stops and deletes a private broker; does nothing for the shared one, which lives until JVM
   * exit.
   */
  @Override
  public void close() {
    if (!shared) {
      shutdown();
    }
  }

  @Override
  public String toString() {
    return (shared ? "shared " : "private ") + server;
  }

  private synchronized void shutdown() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
      admin = null;
    }
    server.close();
  }

  private KafkaServer requirePrivate() {
    if (shared) {
      throw new UnsupportedOperationException(
          "the shared broker serves other tests and cannot be stopped; use"
              + " TestKafka.startPrivate()");
    }
    return server;
  }

  private static TopicDescription describe(Admin client, String topic) {
    try {
      return client
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .get(topic);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return null; // not in the metadata yet
      }
      throw new IllegalStateException("cannot describe topic " + topic, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("describing topic " + topic + " took over " + TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing topic " + topic, e);
    }
  }

  private interface Call {
    void run() throws Exception;
  }

  private static void await(String what, Call call) {
    try {
      call.run();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot " + what + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + what, e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot " + what, e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Kafka", e);
    }
  }

  /**
   * Starts the shared broker once. A failed start is remembered and rethrown, so a JVM full of
   * tests fails fast instead of paying the start-up timeout per test.
   */
  private static final class SharedHolder {
    private static TestKafka instance;
    private static RuntimeException failure;

    static synchronized TestKafka get() {
      if (failure != null) {
        throw new IllegalStateException(
            "the shared test broker failed to start earlier in this JVM", failure);
      }
      if (instance == null) {
        try {
          KafkaServer server =
              Docker.available() ? KafkaServer.container() : KafkaServer.embedded(Map.of());
          instance = new TestKafka(server, true);
          System.getLogger(TestKafka.class.getName())
              .log(System.Logger.Level.INFO, "shared test broker: {0}", server);
        } catch (RuntimeException e) {
          failure = e;
          throw e;
        }
        TestKafka started = instance;
        Runtime.getRuntime()
            .addShutdownHook(new Thread(started::shutdown, "onceflow-test-kafka-exit"));
      }
      return instance;
    }
  }
}
