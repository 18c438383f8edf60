package io.onceflow.it.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.onceflow.config.ConfigKeys;
import io.onceflow.config.EnvOverrides;
import io.onceflow.config.OnceflowConfig;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml, .env.example, deploy/prometheus.yml and the Dockerfile agree with each other
 * and with the engine's configuration. No Docker engine runs where these tests run, so this is what
 * stands between a typo in the compose file and a user's failed {@code docker compose up}; {@link
 * ComposeTopologyIT} then runs the same topology as real processes.
 */
class ComposeFileTest {
  /** The services that run the engine image. */
  private static final List<String> ENGINE_SERVICES = List.of("driver", "worker");

  /** The engine's HTTP endpoints (issue 4): /health, /metrics, the driver's status page. */
  static final String HTTP_PORT_KEY = "http.port";

  static final String HTTP_BIND_KEY = "http.bind.address";
  static final String HTTP_PORT_ENV = EnvOverrides.envName(HTTP_PORT_KEY);
  static final String HTTP_BIND_ENV = EnvOverrides.envName(HTTP_BIND_KEY);

  private static final Set<String> CONDITIONS =
      Set.of("service_started", "service_healthy", "service_completed_successfully");

  private final ComposeFile compose = ComposeFile.load();
  private final Dockerfile dockerfile = Dockerfile.read(compose.root.resolve("Dockerfile"));

  @Test
  void everyServiceHasAnImageOrABuild() {
    for (String name : compose.serviceNames()) {
      Map<String, Object> service = compose.service(name);
      assertTrue(
          service.containsKey("image") || service.containsKey("build"),
          name + " has neither image nor build");
    }
  }

  @Test
  void everyLongRunningServiceHasAHealthcheck() {
    for (String name : compose.serviceNames()) {
      if (isOneShot(name)) {
        continue;
      }
      assertTrue(hasHealthcheck(name), name + " runs for good but has no healthcheck");
    }
  }

  @Test
  void dependsOnNamesExistingServicesWithConditionsTheyCanMeet() {
    for (String name : compose.serviceNames()) {
      compose
          .dependsOn(name)
          .forEach(
              (target, condition) -> {
                assertTrue(
                    compose.serviceNames().contains(target),
                    name + " depends on " + target + ", which is not a service");
                assertTrue(
                    CONDITIONS.contains(condition), name + ": unknown condition " + condition);
                if (condition.equals("service_healthy")) {
                  assertTrue(
                      hasHealthcheck(target),
                      name + " waits for " + target + " to be healthy, which has no healthcheck");
                }
                if (condition.equals("service_completed_successfully")) {
                  assertTrue(
                      isOneShot(target),
                      name + " waits for " + target + " to complete, which restarts");
                }
              });
    }
    for (String engine : ENGINE_SERVICES) {
      Map<String, String> deps = compose.dependsOn(engine);
      assertEquals(
          "service_healthy", deps.get("kafka"), engine + " starts before Kafka is healthy");
      assertEquals(
          "service_healthy", deps.get("postgres"), engine + " starts before PostgreSQL is healthy");
    }
  }

  @Test
  void everyOnceflowVariableIsADeclaredConfigKey() {
    for (String service : compose.serviceNames()) {
      for (String variable : compose.environment(service, compose.envExample()).keySet()) {
        if (variable.startsWith(EnvOverrides.PREFIX)) {
          assertTrue(
              EnvOverrides.keyFor(variable).isPresent() || EnvOverrides.isNotConfigKey(variable),
              service + ": " + variable + " is not a configuration key (docs/configuration.md)");
        }
      }
    }
    for (String variable : dockerfile.env().keySet()) {
      if (variable.startsWith(EnvOverrides.PREFIX)) {
        assertTrue(
            EnvOverrides.keyFor(variable).isPresent() || EnvOverrides.isNotConfigKey(variable),
            "Dockerfile ENV " + variable + " is not a configuration key");
      }
    }
  }

  @Test
  void engineServicesGetAValidConfigurationFromTheEnvironmentAlone() {
    for (String service : ENGINE_SERVICES) {
      // Throws ConfigException naming every problem: missing keys, bad values, refused settings.
      OnceflowConfig config = OnceflowConfig.load(null, engineEnvironment(service));
      assertEquals("kafka:9092", config.kafkaBootstrapServers(), service);
      assertTrue(config.postgresUrl().startsWith("jdbc:postgresql://postgres:5432/"), service);
    }
  }

  @Test
  void dockerWaitsLongerThanAGracefulStopTakes() {
    for (String service : ENGINE_SERVICES) {
      long graceMs = OnceflowConfig.load(null, engineEnvironment(service)).shutdownGraceMs();
      Object period = compose.service(service).get("stop_grace_period");
      long stopMs = period == null ? 10_000 : composeDurationMs(period.toString());
      // After the grace the worker still aborts its tasks, releases leases and closes its pool.
      assertTrue(
          stopMs >= graceMs + 10_000,
          service
              + ": stop_grace_period "
              + period
              + " leaves too little time after"
              + " worker.shutdown.grace.ms = "
              + graceMs
              + " before Docker's SIGKILL");
    }
  }

  @Test
  void theTopicServiceCreatesTheTopicTheJobReads() {
    List<String> command = compose.command("topic", compose.envExample());
    int i = command.indexOf("--topic");
    assertTrue(i >= 0 && command.contains("--create"), "topic: " + command);
    for (String service : ENGINE_SERVICES) {
      assertEquals(
          command.get(i + 1),
          engineEnvironment(service).get("ONCEFLOW_SOURCE_TOPICS"),
          service + " reads another topic than the one `topic` creates");
    }
  }

  @Test
  void driverAndWorkersRunTheSameJob() {
    assertEquals(engineEnvironment("driver"), engineEnvironment("worker"));
    assertEquals(compose.service("driver").get("image"), compose.service("worker").get("image"));
  }

  @Test
  void workersScale() {
    Map<String, Object> worker = compose.service("worker");
    assertFalse(worker.containsKey("container_name"), "a container_name allows one replica only");
    for (String port : compose.ports("worker")) {
      assertFalse(
          port.contains(":"),
          "worker publishes host port " + port + ": a second replica could not bind it");
    }
  }

  @Test
  void jobJarsAreMountedOnTheImageClassPath() {
    for (String service : ENGINE_SERVICES) {
      Object volumes = compose.service(service).get("volumes");
      assertTrue(
          volumes instanceof List<?> list
              && list.stream().anyMatch(v -> v.toString().contains(":/opt/onceflow/jobs")),
          service + " does not mount a jobs folder at /opt/onceflow/jobs");
    }
    String launcher = read("deploy/onceflow");
    assertTrue(launcher.contains("$home/lib/*:$home/jobs/*"), "deploy/onceflow class path");
  }

  @Test
  void dataLivesInNamedVolumes() {
    Map<String, Object> declared = compose.topLevel("volumes");
    for (String service : List.of("kafka", "postgres", "prometheus")) {
      Object volumes = compose.service(service).get("volumes");
      assertTrue(volumes instanceof List<?>, service + " keeps its data in no volume");
      boolean named = false;
      for (Object volume : (List<?>) volumes) {
        String source = volume.toString().split(":")[0];
        if (!source.startsWith(".") && !source.startsWith("/") && !source.startsWith("$")) {
          assertTrue(
              declared.containsKey(source), service + ": volume " + source + " is not declared");
          named = true;
        }
      }
      assertTrue(named, service + " keeps its data in no named volume");
    }
  }

  @Test
  void envExampleDocumentsEveryVariableWithTheComposeDefault() {
    Map<String, String> documented = compose.envExample();
    compose
        .variables()
        .forEach(
            (name, fallback) -> {
              assertTrue(
                  documented.containsKey(name),
                  name + " is used by docker-compose.yml but not in .env.example");
              fallback.ifPresent(
                  value ->
                      assertEquals(
                          value,
                          documented.get(name),
                          ".env.example and docker-compose.yml differ on " + name));
            });
    for (String name : documented.keySet()) {
      assertTrue(
          compose.variables().containsKey(name),
          ".env.example documents " + name + ", which docker-compose.yml does not use");
    }
  }

  @Test
  void thePasswordIsRequiredNotDefaulted() {
    assertEquals(
        Optional.empty(),
        compose.variables().get("POSTGRES_PASSWORD"),
        "POSTGRES_PASSWORD must have no default");
    Map<String, String> withoutPassword = new java.util.HashMap<>(compose.envExample());
    withoutPassword.remove("POSTGRES_PASSWORD");
    try {
      compose.environment("postgres", withoutPassword);
      fail("docker compose must refuse to start without POSTGRES_PASSWORD");
    } catch (IllegalArgumentException expected) {
      assertTrue(expected.getMessage().contains("POSTGRES_PASSWORD"));
    }
  }

  @Test
  void theBrokerIsTheVersionTheTestsRun() {
    Matcher pom =
        Pattern.compile("<kafka.version>([^<]+)</kafka.version>").matcher(read("pom.xml"));
    assertTrue(pom.find());
    assertEquals(
        "apache/kafka:" + pom.group(1),
        ComposeFile.interpolate(
            compose.service("kafka").get("image").toString(), compose.envExample()));
  }

  @Test
  void theImageRunsAsAnUnprivilegedUserWithAHealthcheck() {
    String user = dockerfile.last("USER").map(Dockerfile.Instruction::arguments).orElse("root");
    String name = user.split(":")[0];
    assertNotEquals("root", name, "the image runs as root");
    assertNotEquals("0", name, "the image runs as root");

    String healthcheck =
        dockerfile.last("HEALTHCHECK").map(Dockerfile.Instruction::arguments).orElse("NONE");
    assertFalse(healthcheck.equals("NONE"), "the image has no HEALTHCHECK");
    assertTrue(healthcheck.contains("onceflow-healthcheck"), healthcheck);
    assertTrue(dockerfile.last("ENTRYPOINT").orElseThrow().arguments().contains("\"onceflow\""));
    for (String service : ENGINE_SERVICES) {
      Object check = compose.service(service).get("healthcheck");
      assertFalse(
          check instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("disable")),
          service + " disables the image's healthcheck");
    }
  }

  @Test
  void theImageHoldsNoSecrets() {
    List<String> suspicious = new ArrayList<>();
    for (Dockerfile.Instruction i : dockerfile.instructions()) {
      if ((i.keyword().equals("ENV") || i.keyword().equals("ARG"))
          && i.arguments().toUpperCase().matches(".*(PASSWORD|SECRET|TOKEN|CREDENTIAL).*")) {
        suspicious.add(i.keyword() + " " + i.arguments());
      }
    }
    assertEquals(List.of(), suspicious, "secrets belong in the environment at run time");
    String ignored = read(".dockerignore");
    assertTrue(
        ignored.lines().anyMatch(".env"::equals),
        ".env (with the password) must stay out of the build context");
  }

  @Test
  void theEngineListensWhereHealthcheckPublishedPortAndPrometheusLook() {
    int port = httpPort();
    // The image's defaults and the compose file's settings agree.
    Map<String, String> image = dockerfile.env();
    assertEquals(String.valueOf(port), image.get(HTTP_PORT_ENV), "Dockerfile ENV " + HTTP_PORT_ENV);
    assertEquals("0.0.0.0", image.get(HTTP_BIND_ENV), "Dockerfile ENV " + HTTP_BIND_ENV);
    assertTrue(
        dockerfile.all("EXPOSE").stream()
            .anyMatch(e -> List.of(e.arguments().split("\\s+")).contains(String.valueOf(port))),
        "the Dockerfile does not EXPOSE " + port);
    for (String service : ENGINE_SERVICES) {
      Map<String, String> env = engineEnvironment(service);
      assertEquals(
          "0.0.0.0",
          env.get(HTTP_BIND_ENV),
          service + ": a loopback address is out of Prometheus' reach");
    }
    // The healthcheck asks the configured port.
    assertTrue(
        read("deploy/healthcheck").contains("${" + HTTP_PORT_ENV + ":-}"),
        "deploy/healthcheck reads " + HTTP_PORT_ENV);
    // The driver's published port leads to it.
    List<String> driverPorts = compose.ports("driver");
    assertTrue(
        driverPorts.stream()
            .anyMatch(p -> p.endsWith(":" + port) || p.endsWith(":" + port + "/tcp")),
        "the driver publishes " + driverPorts + ", not its HTTP port " + port);
    // Prometheus scrapes every engine service on that port, at /metrics.
    Map<String, Integer> scraped = prometheusTargets();
    for (String service : ENGINE_SERVICES) {
      assertEquals(
          port,
          scraped.get(service),
          "Prometheus' port for " + service + " (deploy/prometheus.yml)");
    }
    Object volumes = compose.service("prometheus").get("volumes");
    assertTrue(
        volumes.toString().contains("./deploy/prometheus.yml:/etc/prometheus/prometheus.yml"),
        "prometheus.yml is mounted");
  }

  /**
   * The engine's HTTP port as docker-compose.yml configures it for every engine service; they must
   * agree. {@code http.port} and {@code http.bind.address} are issue 4's keys.
   */
  private int httpPort() {
    assertTrue(
        ConfigKeys.byName(HTTP_PORT_KEY).isPresent(),
        HTTP_PORT_KEY + " is not a configuration key");
    assertTrue(
        ConfigKeys.byName(HTTP_BIND_KEY).isPresent(),
        HTTP_BIND_KEY + " is not a configuration key");
    Set<String> ports = new java.util.TreeSet<>();
    for (String service : ENGINE_SERVICES) {
      String port = engineEnvironment(service).get(HTTP_PORT_ENV);
      assertTrue(
          port != null && port.matches("[1-9][0-9]*"),
          service + ": " + HTTP_PORT_ENV + " = " + port);
      ports.add(port);
    }
    assertEquals(1, ports.size(), "engine services disagree on " + HTTP_PORT_ENV + ": " + ports);
    return Integer.parseInt(ports.iterator().next());
  }

  /** Service name → port of the scrape targets in deploy/prometheus.yml whose path is /metrics. */
  @SuppressWarnings("unchecked")
  private Map<String, Integer> prometheusTargets() {
    Map<String, Integer> targets = new java.util.HashMap<>();
    Map<String, Object> config = ComposeFile.yaml(compose.root.resolve("deploy/prometheus.yml"));
    for (Object job : (List<Object>) config.get("scrape_configs")) {
      Map<String, Object> scrape = (Map<String, Object>) job;
      if (!"/metrics".equals(scrape.getOrDefault("metrics_path", "/metrics"))) {
        continue;
      }
      // The engine's `job` tag is the Onceflow job (docs/operations.md's queries group by it).
      assertEquals(
          Boolean.TRUE, scrape.get("honor_labels"), scrape.get("job_name") + " honor_labels");
      for (Object sd : (List<Object>) scrape.getOrDefault("dns_sd_configs", List.of())) {
        Map<String, Object> dns = (Map<String, Object>) sd;
        for (Object name : (List<Object>) dns.get("names")) {
          targets.put(name.toString(), (Integer) dns.get("port"));
        }
      }
      for (Object sc : (List<Object>) scrape.getOrDefault("static_configs", List.of())) {
        for (Object target : (List<Object>) ((Map<String, Object>) sc).get("targets")) {
          String[] hostPort = target.toString().split(":");
          targets.put(hostPort[0], Integer.parseInt(hostPort[1]));
        }
      }
    }
    return targets;
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** The resolved environment of an engine service, with .env.example's values. */
  private Map<String, String> engineEnvironment(String service) {
    return compose.environment(service, compose.envExample());
  }

  /** A Compose duration such as {@code 60s}, {@code 1m30s} or {@code 500ms}, in milliseconds. */
  private static long composeDurationMs(String text) {
    Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(text);
    long total = 0;
    int end = 0;
    while (m.find()) {
      assertEquals(end, m.start(), "not a Compose duration: " + text);
      long n = Long.parseLong(m.group(1));
      total +=
          switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1_000;
            case "m" -> n * 60_000;
            default -> n * 3_600_000;
          };
      end = m.end();
    }
    assertEquals(text.length(), end, "not a Compose duration: " + text);
    return total;
  }

  /** Runs once and exits: {@code restart: "no"} and not a long-running server. */
  private boolean isOneShot(String service) {
    return "no".equals(String.valueOf(compose.service(service).get("restart")));
  }

  /** A healthcheck in the compose file, or the image's own HEALTHCHECK for engine services. */
  private boolean hasHealthcheck(String service) {
    Object check = compose.service(service).get("healthcheck");
    if (check instanceof Map<?, ?> m) {
      return !Boolean.TRUE.equals(m.get("disable"));
    }
    return compose.service(service).containsKey("build")
        && dockerfile.last("HEALTHCHECK").isPresent();
  }

  private String read(String path) {
    try {
      return Files.readString(compose.root.resolve(path));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
