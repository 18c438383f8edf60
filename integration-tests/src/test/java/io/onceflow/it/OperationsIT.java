package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.onceflow.examples.AggJob;
import io.onceflow.examples.Workload;
import io.onceflow.metrics.OnceflowMeter;
import io.onceflow.testkit.JobProcess;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operations surface of a real {@code onceflow run} process: the Prometheus endpoint scraped
 * and parsed, the JSON API, the status page rendered in headless Chromium, and the promise that
 * no secret (a password, a JDBC URL's password, a SASL JAAS config) shows anywhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(RealServers.class)
class OperationsIT {
  private static final long RECORDS = 6_000;
  private static final int PARTITIONS = 3;
  private static final String PASSWORD = "pw-Secret-4711";
  private static final String URL_PASSWORD = "url-Secret-0815";
  private static final String JAAS_PASSWORD = "jaas-Secret-2342";
  private static final List<String> SECRETS = List.of(PASSWORD, URL_PASSWORD, JAAS_PASSWORD);
  private static final Pattern STATUS_URL = Pattern.compile("Status page at (http://[^/\\s]+)/");

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, String> bodies = new LinkedHashMap<>();
  private String topic;
  private JobUnderTest job;
  private JobProcess process;
  private String base;

  /** The database is the class's: {@link RealServers} drops it after the class. */
  @BeforeAll
  void startAJobWithSecretsInItsConfiguration(TestKafka kafka, TestDatabase db) throws Exception {
    topic = kafka.createTopic(TestKafka.uniqueTopic("ops_run"), PARTITIONS);
    job = WorkloadJobs.job("ops_run", AggJob.class, kafka, topic, db);
    String url = db.jdbcUrl();
    job
        .param("table", "user_totals")
        .set("http.port", "0")
        .set("batch.interval.ms", "200")
        .set("postgres.password", PASSWORD)
        // trust auth ignores the password; the engine must still never print it
        .set("postgres.url", url + (url.contains("?") ? "&" : "?") + "password=" + URL_PASSWORD)
        // PLAINTEXT ignores SASL settings, so the job still connects
        .set(
            "kafka.sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"ops\""
                + " password=\"" + JAAS_PASSWORD + "\";");
    WorkloadJobs.produce(kafka, topic, Workload.standard().withUsers(500), 0, RECORDS);
    Path dir = Files.createTempDirectory("ops-it");
    process = OnceflowCommand.start("ops-run", "run", job.writeConfig(dir), Map.of());
    process.awaitOutput("Status page at", Duration.ofSeconds(60));
    Matcher m = STATUS_URL.matcher(process.output());
    assertTrue(m.find(), process.tail());
    base = m.group(1);
    job.awaitCommitted(RECORDS, Duration.ofMinutes(2), process::tail);
    // the driver looks back at completed batches every 200 ms: wait until it reported them all
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      Prometheus p = Prometheus.parse(get("/metrics").body());
      if (!p.named("onceflow_batch_processing_seconds_count").isEmpty()
          && p.sum("onceflow_batch_processing_seconds_count") > 0
          && p.named("onceflow_partition_lag_records").size() == PARTITIONS
          && p.sum("onceflow_partition_lag_records") == 0) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new AssertionError("the driver never reported completed batches and zero lag:\n"
        + get("/metrics").body());
  }

  @AfterAll
  void stop() throws Exception {
    if (process != null) {
      assertEquals(0, process.terminate(Duration.ofSeconds(60)), process.tail());
      process.close();
    }
  }

  @Test
  void bindsToLoopbackByDefault() {
    assertTrue(base.startsWith("http://127.0.0.1:"), base);
  }

  @Test
  void prometheusScrapeCarriesEveryEngineMeterWithItsHelpAndTheRecordsIn() throws Exception {
    HttpResponse<String> scrape = get("/metrics");
    assertEquals(200, scrape.statusCode());
    assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    Prometheus p = Prometheus.parse(scrape.body());
    for (OnceflowMeter meter : OnceflowMeter.values()) {
      String name = meter.prometheusName();
      String sample = meter.kind() == OnceflowMeter.Kind.TIMER ? name + "_count" : name;
      if (meter == OnceflowMeter.GAPS || meter == OnceflowMeter.DEAD_LETTERS) {
        continue; // per partition, created at the first gap or dead letter; this job has none
      }
      assertFalse(p.named(sample).isEmpty(), "no " + sample + " in the scrape");
      assertTrue(p.help.containsKey(name), "no # HELP for " + name);
      p.named(sample).forEach(s -> assertEquals("ops_run", s.labels().get("job"), sample));
    }
    assertEquals(RECORDS, (long) p.sum("onceflow_input_records_total"), "records in, over partitions");
    assertEquals(PARTITIONS, p.named("onceflow_input_records_total").size(), "one series per partition");
    assertTrue(p.sum("onceflow_task_commit_seconds_count") >= PARTITIONS);
    assertTrue(p.sum("onceflow_batches_planned_total") >= 1);
    assertEquals(2, (long) p.sum("onceflow_worker_threads"));
    assertEquals(0, (long) p.sum("onceflow_in_flight_tasks"));
    assertTrue(p.sum("onceflow_live_workers") >= 1);
    assertFalse(p.named("jvm_memory_used_bytes").isEmpty(), "JVM meters too");
  }

  @Test
  void statusApiReportsTotalsLagPerPartitionAndWorkers() throws Exception {
    HttpResponse<String> response = get("/api/status");
    assertEquals(200, response.statusCode(), response.body());
    JsonNode s = json.readTree(response.body());
    assertEquals("ops_run", s.get("job").asText());
    assertTrue(s.get("driver").get("running").asBoolean());
    assertEquals(RECORDS, s.get("totals").get("committedOffsets").asLong());
    assertEquals(PARTITIONS, s.get("partitions").size());
    for (JsonNode p : s.get("partitions")) {
      assertEquals(0, p.get("lag").asLong(), p.toString());
      assertEquals(p.get("end").asLong(), p.get("committed").asLong(), p.toString());
    }
    assertEquals(1, s.get("workers").size(), "this process's worker");
    assertEquals(2, s.get("workers").get(0).get("threads").asInt());
    assertTrue(s.get("history").size() >= 1, "the rate history has a point");
  }

  @Test
  void batchesApiListsTheNewestBatchesWithTimings() throws Exception {
    HttpResponse<String> response = get("/api/batches?limit=5");
    assertEquals(200, response.statusCode(), response.body());
    JsonNode batches = json.readTree(response.body());
    assertTrue(batches.size() >= 1 && batches.size() <= 5, batches.toString());
    JsonNode newest = batches.get(0);
    assertEquals("committed", newest.get("state").asText());
    assertTrue(newest.get("schedulingDelayMs").asLong() >= 0);
    assertTrue(newest.get("processingMs").asLong() >= 0);
    long total = 0;
    for (JsonNode b : json.readTree(get("/api/batches?limit=500").body())) {
      total += b.get("records").asLong();
    }
    assertEquals(RECORDS, total, "all batches together planned every record once");
  }

  @Test
  void healthIsUp() throws Exception {
    HttpResponse<String> response = get("/health");
    assertEquals(200, response.statusCode());
    JsonNode h = json.readTree(response.body());
    assertEquals("UP", h.get("status").asText());
    assertEquals("leader", h.get("driver").asText());
  }

  @Test
  void statusPageRendersBatchesAndLagInHeadlessChromium() throws Exception {
    String dom = Chromium.dumpDom(base + "/", 2_500);
    bodies.put("chromium DOM", dom);
    assertTrue(dom.contains("job ops_run"), "the job's name is rendered:\n" + dom);
    assertTrue(dom.contains("pill committed"), "committed batches are rendered");
    for (int p = 0; p < PARTITIONS; p++) {
      assertTrue(dom.contains(topic + "-" + p), "partition " + p + " is rendered");
    }
    Matcher lagRow = Pattern.compile("<td class=\"l\">" + Pattern.quote(topic) + "-0</td>"
        + "<td>[0-9,]+</td><td>[0-9,]+</td><td>[0-9,]+</td><td class=\"lag\"[^>]*>0</td>").matcher(dom);
    assertTrue(lagRow.find(),
        "partition 0's row shows committed, end, high watermark and a lag of 0:\n" + dom);
    assertTrue(dom.contains("<path d=\"M"), "the chart has a line");
    assertTrue(Pattern.compile("id=\"updated\">updated \\d").matcher(dom).find(), "the header shows the read time");
    Chromium.screenshot(base + "/", Path.of("target", "status-page.png"), 900);
  }

  @Test
  void aWorkerServesMetricsAndHealthButNoStatusPage() throws Exception {
    Path dir = Files.createTempDirectory("ops-worker");
    try (JobProcess worker = OnceflowCommand.start("ops-worker", "worker", job.writeConfig(dir), Map.of())) {
      worker.awaitOutput("Metrics at", Duration.ofSeconds(60));
      Matcher m = Pattern.compile("Metrics at (http://[^/\\s]+)/metrics").matcher(worker.output());
      assertTrue(m.find(), worker.tail());
      String workerBase = m.group(1);
      assertTrue(workerBase.startsWith("http://127.0.0.1:"), workerBase);
      HttpResponse<String> health = getFrom(workerBase, "/health");
      assertEquals(200, health.statusCode());
      assertEquals("none", json.readTree(health.body()).get("driver").asText());
      Prometheus p = Prometheus.parse(getFrom(workerBase, "/metrics").body());
      assertEquals(2, (long) p.sum("onceflow_worker_threads"));
      assertTrue(p.named("onceflow_partition_lag_records").isEmpty(), "lag is the driver's");
      assertEquals(404, getFrom(workerBase, "/").statusCode());
      assertEquals(404, getFrom(workerBase, "/api/status").statusCode());
      assertEquals(0, worker.terminate(Duration.ofSeconds(60)), worker.tail());
    }
  }

  @Test
  void endpointsAreReadOnly() throws Exception {
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/status"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
    assertEquals(404, get("/admin").statusCode());
    HttpResponse<String> page = get("/");
    assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));
  }

  @Test
  void noSecretAppearsInTheEndpointsOrTheLog() throws Exception {
    for (String path : List.of("/", "/metrics", "/api/status", "/api/batches?limit=500", "/health")) {
      bodies.put(path, get(path).body());
    }
    bodies.put("process log", process.output());
    bodies.forEach(
        (where, text) -> {
          for (String secret : SECRETS) {
            assertFalse(text.contains(secret), "a secret appears in " + where);
          }
        });
    assertTrue(process.output().contains("postgres.password"), "the configuration is logged, masked");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return getFrom(base, path);
  }

  private HttpResponse<String> getFrom(String server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server + path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
