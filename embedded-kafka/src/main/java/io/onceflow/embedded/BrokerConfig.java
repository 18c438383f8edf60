package io.onceflow.embedded;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The files a broker launch needs: {@code server.properties} for a single-node KRaft broker that is
 * its own controller, and a log4j2 configuration that sends the broker's log to standard output
 * (which the launcher redirects to {@code broker.log}).
 */
final class BrokerConfig {

  /** Keys the launcher sets from its ports and data directory; callers may not override them. */
  static final Set<String> OWNED_KEYS =
      Set.of(
          "process.roles",
          "node.id",
          "controller.quorum.voters",
          "controller.quorum.bootstrap.servers",
          "controller.listener.names",
          "listeners",
          "advertised.listeners",
          "listener.security.protocol.map",
          "inter.broker.listener.name",
          "log.dirs",
          "log.dir",
          "metadata.log.dir");

  private static final SecureRandom RANDOM = new SecureRandom();

  private BrokerConfig() {}

  /** Rejects extra properties that would break the launcher's assumptions, naming the key. */
  static Map<String, String> checkExtras(Map<String, String> extraProps) {
    for (Map.Entry<String, String> e : extraProps.entrySet()) {
      if (OWNED_KEYS.contains(e.getKey())) {
        throw new IllegalArgumentException(
            "broker property '"
                + e.getKey()
                + "' is set by EmbeddedKafkaBroker from its ports and data directory and cannot be"
                + " overridden");
      }
      if (e.getValue() == null || e.getValue().indexOf('\n') >= 0) {
        throw new IllegalArgumentException(
            "broker property '" + e.getKey() + "' needs a single-line value, got: " + e.getValue());
      }
    }
    return Map.copyOf(extraProps);
  }

  /** The broker's configuration, in the order it is written; extras win over defaults. */
  static Map<String, String> serverProperties(
      int port, int controllerPort, Path logDirs, Map<String, String> extraProps) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDirs.toAbsolutePath().toString());
    // One node: every internal topic has one replica. Few partitions, since each costs start-up
    // time the first time a group, transaction or share group is used.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("share.coordinator.state.topic.num.partitions", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // After a kill -9, the restarted broker cannot register until the controller has timed out
    // its previous incarnation's session: 9 s by default, 3 s here (heartbeats are in-process).
    p.put("broker.heartbeat.interval.ms", "500");
    p.put("broker.session.timeout.ms", "3000");
    p.put("num.partitions", "1");
    // The engine creates its topics explicitly; a typo must not silently create a topic.
    p.put("auto.create.topics.enable", "false");
    p.putAll(extraProps);
    return p;
  }

  /** Renders properties in {@code java.util.Properties} syntax. */
  static String render(Map<String, String> properties) {
    StringBuilder out =
        new StringBuilder("# written by io.onceflow.embedded.EmbeddedKafkaBroker\n");
    properties.forEach(
        (k, v) -> out.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
    return out.toString();
  }

  /** Log4j2 configuration: INFO to standard output, with the bulky config dumps turned down. */
  static String log4j2Properties() {
    return String.join(
        "\n",
        "# written by io.onceflow.embedded.EmbeddedKafkaBroker",
        "status = warn",
        "appender.out.type = Console",
        "appender.out.name = OUT",
        "appender.out.layout.type = PatternLayout",
        "appender.out.layout.pattern = [%d] %p %m (%c)%n",
        "rootLogger.level = INFO",
        "rootLogger.appenderRef.out.ref = OUT",
        // 'KafkaConfig values: ...' and friends print hundreds of lines per start;
        // server.properties next to the log says what was set.
        "logger.config.name = org.apache.kafka.common.config.AbstractConfig",
        "logger.config.level = WARN",
        "logger.utils.name = org.apache.kafka.common.utils.AppInfoParser",
        "logger.utils.level = WARN",
        // The launcher's readiness check needs this line at INFO.
        "logger.server.name = kafka.server.KafkaRaftServer",
        "logger.server.level = INFO",
        "");
  }

  /**
   * A new cluster id in Kafka's format (16 random bytes, URL-safe base64 without padding), made
   * here rather than by a {@code StorageTool random-uuid} JVM, which would cost about a second.
   * Like Kafka, avoids ids starting with '-' (they read as command-line options) and the two
   * reserved values (all zeros, and zeros ending in 1).
   */
  static String newClusterId() {
    byte[] bytes = new byte[16];
    while (true) {
      RANDOM.nextBytes(bytes);
      String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      if (!id.startsWith("-") && !id.startsWith("AAAAAAAAAAAAAAAAAAAAA")) {
        return id;
      }
    }
  }
}
