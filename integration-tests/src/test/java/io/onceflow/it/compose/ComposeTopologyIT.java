package io.onceflow.it.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.examples.GroundTruth;
import io.onceflow.examples.Verdict;
import io.onceflow.examples.Workload;
import io.onceflow.examples.WorkloadProducer;
import io.onceflow.testkit.LedgerAssertions;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml's topology as real processes, for machines without a Docker engine: one Kafka
 * broker process, PostgreSQL, and the {@code driver} and two {@code worker} services, each a JVM
 * started by the image's entrypoint ({@code deploy/onceflow}) from the image's layout of the
 * packaged app, with exactly the environment docker-compose.yml gives the service. The job is a
 * user's jar in the jobs folder, a class the engine's own jars do not hold.
 *
 * <p>What stands in for Docker: the services' host names are mapped to this machine's servers
 * ({@code kafka:9092} to the broker's address, {@code postgres:5432} to the test PostgreSQL); the
 * {@code .env} a user would write is .env.example with the test's own topic, job, database and job
 * class; {@code ONCEFLOW_HOME} names the folder that plays {@code /opt/onceflow}.
 */
class ComposeTopologyIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  @TempDir Path dir;

  @Test
  void driverAndTwoWorkersFromTheComposeFileAggregateEveryRecordOnce() throws Exception {
    ComposeFile compose = ComposeFile.load();
    ImageLayout image = ImageLayout.install(compose.root, dir.resolve("opt/onceflow"));
    UserJobJar.build(dir.resolve("job-build"), image.jobs().resolve("totals-job.jar"));
    assertFalse(
        UserJobJar.onClassPath(UserJobJar.CLASS_NAME),
        "the job must come from the jobs folder only");

    Workload workload = Workload.standard().withUsers(3_000);
    long n = 40_000;
    try (TestKafka kafka = TestKafka.startPrivate();
        TestDatabase database = TestDatabase.create()) {
      // The user's .env: the documented knobs, with this test's topic, job, database and class.
      Map<String, String> dotEnv = new TreeMap<>(compose.envExample());
      String topic = TestKafka.uniqueTopic("compose");
      dotEnv.put("TOPIC", topic);
      dotEnv.put("JOB_NAME", "compose_totals");
      dotEnv.put("JOB_CLASS", UserJobJar.CLASS_NAME);
      dotEnv.put("POSTGRES_DB", database.name());
      dotEnv.put("POSTGRES_USER", database.user());
      dotEnv.put(
          "POSTGRES_PASSWORD",
          database.password() == null ? "unused-with-trust-auth" : database.password());
      // The `topic` service's work: the topic and partitions its kafka-topics.sh command names.
      List<String> createTopic = compose.command("topic", dotEnv);
      kafka.createTopic(
          argumentAfter(createTopic, "--topic"),
          Integer.parseInt(argumentAfter(createTopic, "--partitions")));

      Map<String, String> hosts =
          Map.of(
              "kafka:9092",
              kafka.bootstrapServers(),
              "postgres:5432",
              hostAndPort(database.jdbcUrl()));
      Dockerfile dockerfile = Dockerfile.read(compose.root.resolve("Dockerfile"));
      List<ServiceProcess> services = new ArrayList<>();
      try {
        for (String service : List.of("driver", "worker", "worker")) {
          // A container's environment: the image's ENV, then the service's `environment`.
          Map<String, String> env = new TreeMap<>(dockerfile.env());
          env.putAll(compose.environment(service, dotEnv));
          env.replaceAll((k, v) -> mapHosts(v, hosts));
          env.put("ONCEFLOW_HOME", image.home.toString());
          // Each container has a network namespace of its own; processes on one host share one.
          env.put(ComposeFileTest.HTTP_PORT_ENV, String.valueOf(freePort()));
          String name = service + "-" + (services.size());
          services.add(
              ServiceProcess.start(
                  name,
                  compose.root.resolve("deploy/onceflow"),
                  compose.command(service, dotEnv),
                  env));
        }
        for (ServiceProcess s : services) {
          awaitHealthy(compose, s);
          assertTrue(
              scrape(s).contains("# TYPE "), s.name + ": /metrics is not in Prometheus' format");
        }

        // Records arrive while the job runs, in rounds, so that there are several batches to share.
        try (WorkloadProducer producer =
            WorkloadProducer.connect(kafka.bootstrapServers(), topic, workload)) {
          for (long from = 0; from < n; from += n / 4) {
            producer.produce(from, n / 4);
            TimeUnit.MILLISECONDS.sleep(500);
          }
        }
        awaitCommitted(database, "compose_totals", n, services);
        // docs/deploy.md: `docker compose exec driver onceflow status` needs no options.
        String status = services.get(0).exec(List.of("status"), TIMEOUT);
        assertTrue(status.contains("compose_totals"), status);

        // `docker compose stop`: SIGTERM to each; a graceful stop exits 0.
        for (ServiceProcess s : services) {
          assertEquals(0, s.stop(Duration.ofSeconds(60)), s.tail());
        }
      } finally {
        for (ServiceProcess s : services) {
          s.close();
        }
      }

      try (Connection c = database.connect()) {
        Verdict verdict = GroundTruth.verifyAgg(c, "user_totals", n, workload);
        assertTrue(verdict.passed(), verdict.summary());
        LedgerAssertions.assertInvariants(c, "compose_totals");
        LedgerAssertions.assertNothingPending(c, "compose_totals");
        assertBothWorkersTookPartAndStopped(c, services);
      }
    }
  }

  /**
   * Runs the image's HEALTHCHECK, {@code deploy/healthcheck}, with the service's environment, as
   * Docker would during the start period, until it reports healthy.
   */
  private static void awaitHealthy(ComposeFile compose, ServiceProcess service) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      ProcessBuilder check =
          new ProcessBuilder("bash", compose.root.resolve("deploy/healthcheck").toString())
              .redirectErrorStream(true);
      check
          .environment()
          .put(ComposeFileTest.HTTP_PORT_ENV, service.env.get(ComposeFileTest.HTTP_PORT_ENV));
      Process p = check.start();
      last = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() == 0) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    throw new AssertionError(
        service.name + " never became healthy: " + last + "\n" + service.tail());
  }

  /** What Prometheus gets from the service's metrics endpoint. */
  private static String scrape(ServiceProcess service) throws Exception {
    URI uri =
        URI.create(
            "http://127.0.0.1:" + service.env.get(ComposeFileTest.HTTP_PORT_ENV) + "/metrics");
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), "GET " + uri);
    return response.body();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String argumentAfter(List<String> command, String option) {
    int i = command.indexOf(option);
    assertTrue(i >= 0 && i + 1 < command.size(), option + " in " + command);
    return command.get(i + 1);
  }

  private static String mapHosts(String value, Map<String, String> hosts) {
    String mapped = value;
    for (Map.Entry<String, String> e : hosts.entrySet()) {
      mapped = mapped.replace(e.getKey(), e.getValue());
    }
    return mapped;
  }

  private static String hostAndPort(String jdbcUrl) {
    Matcher m = Pattern.compile("^jdbc:postgresql://([^/?]+)/").matcher(jdbcUrl);
    if (!m.find()) {
      throw new IllegalStateException("no host:port in " + jdbcUrl);
    }
    return m.group(1);
  }

  private static void awaitCommitted(
      TestDatabase database, String job, long expected, List<ServiceProcess> services)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    long committed = 0;
    while (System.nanoTime() < deadline) {
      try (Connection c = database.connect()) {
        committed = LedgerAssertions.committedOffsets(c, job);
      }
      if (committed >= expected) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    StringBuilder logs = new StringBuilder();
    services.forEach(s -> logs.append(s.tail()).append('\n'));
    throw new AssertionError(
        "committed " + committed + " of " + expected + " offsets in " + TIMEOUT + "\n" + logs);
  }

  /** Both worker processes registered in the ledger, and each recorded its graceful stop. */
  private static void assertBothWorkersTookPartAndStopped(
      Connection c, List<ServiceProcess> services) throws SQLException {
    Set<Long> workerPids = new HashSet<>();
    services.stream()
        .filter(s -> s.name.startsWith("worker"))
        .forEach(s -> workerPids.add(s.pid()));
    Set<Long> registered = new HashSet<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT pid, stopped_at FROM onceflow.workers WHERE job = 'compose_totals'")) {
      while (rs.next()) {
        registered.add(rs.getLong(1));
        assertTrue(
            rs.getTimestamp(2) != null, "worker pid " + rs.getLong(1) + " did not record its stop");
      }
    }
    assertEquals(workerPids, registered, "the ledger's workers are the two worker processes");
  }
}
