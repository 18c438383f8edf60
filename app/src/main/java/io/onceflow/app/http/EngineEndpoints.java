package io.onceflow.app.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.onceflow.admin.BatchStatus;
import io.onceflow.admin.JobStatus;
import io.onceflow.admin.KafkaEnds;
import io.onceflow.admin.StatusReader;
import io.onceflow.config.Secrets;
import io.onceflow.ledger.PartitionId;
import io.onceflow.plan.Driver;
import io.onceflow.runtime.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;

/**
 * The endpoints of one engine process.
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><th>path</th><th>roles</th><th>what</th></tr>
 *   <tr><td>{@code /health}</td><td>all</td><td>200 {@code UP} while every part runs, 503 {@code
 *       DOWN} with the error once one failed</td></tr>
 *   <tr><td>{@code /metrics}</td><td>all</td><td>Prometheus text format</td></tr>
 *   <tr><td>{@code /api/status}</td><td>run, driver</td><td>{@link JobStatus} as JSON</td></tr>
 *   <tr><td>{@code /api/batches?limit=n}</td><td>run, driver</td><td>the newest batches
 *       ({@link BatchStatus}), 20 unless {@code limit} (1 to 500) says otherwise</td></tr>
 *   <tr><td>{@code /}</td><td>run, driver</td><td>the status page</td></tr>
 * </table>
 *
 * <p>All of it comes from the ledger, the driver's last read end offsets and the meters; none of
 * it from the configuration, so no URL, password or other setting can appear.
 */
public final class EngineEndpoints {
  static final int DEFAULT_BATCHES = 20;
  /** Batches on the status page: the newest ten keep workers and dead letters in view. */
  static final int PAGE_BATCHES = 10;
  private static final String PAGE = "status.html";
  private static final String INITIAL_DATA = "/*INITIAL_DATA*/null";

  private EngineEndpoints() {}

  public static Map<String, Endpoint> of(Engine engine, PrometheusMeterRegistry registry) {
    Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    endpoints.put("/health", query -> health(engine));
    endpoints.put(
        "/metrics",
        query -> Response.text(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    if (engine.driver().isPresent()) {
      StatusReader reader = new StatusReader(engine.database().dataSource());
      String job = engine.config().jobName();
      long staleMs = 3 * engine.config().leaseMs();
      String page = page();
      endpoints.put(
          "/api/status",
          query -> status(reader, job, engine.driver().get(), staleMs)
              .map(s -> Response.json(200, JsonText.of(s)))
              .orElseGet(() -> notYet(job)));
      endpoints.put(
          "/api/batches",
          query -> Response.json(200, JsonText.of(reader.recentBatches(job, limit(query)))));
      endpoints.put(
          "/",
          query -> {
            Map<String, Object> initial = new LinkedHashMap<>();
            initial.put("status", status(reader, job, engine.driver().get(), staleMs).orElse(null));
            initial.put("batches", reader.recentBatches(job, PAGE_BATCHES));
            return Response.text(
                200,
                "text/html; charset=utf-8",
                page.replace(INITIAL_DATA, JsonText.forScript(initial)));
          });
    }
    return endpoints;
  }

  private static Optional<JobStatus> status(StatusReader reader, String job, Driver driver, long staleMs) {
    return reader.status(job, new KafkaEnds(driver.endOffsets(), driver.highWatermarks()), staleMs);
  }

  private static Response health(Engine engine) {
    Map<String, Object> body = new LinkedHashMap<>();
    Optional<Throwable> failure = engine.failure();
    Map<PartitionId, String> halted =
        engine.driver().map(Driver::haltedPartitions).orElse(Map.of());
    // Halted partitions leave the process up (200): restarting it cannot bring them back, an
    // offset reset does. The status says DEGRADED, and names them, for whoever watches.
    body.put("status", failure.isPresent() ? "DOWN" : halted.isEmpty() ? "UP" : "DEGRADED");
    body.put("job", engine.config().jobName());
    body.put("driver", engine.driver().map(d -> d.isLeader() ? "leader" : "standby").orElse("none"));
    body.put("workers", engine.workers().isPresent());
    if (!halted.isEmpty()) {
      Map<String, String> named = new TreeMap<>();
      halted.forEach((p, reason) -> named.put(p.toString(), reason));
      body.put("haltedPartitions", named);
    }
    failure.ifPresent(f -> body.put("error", Secrets.maskUrl(String.valueOf(f.getMessage()))));
    return Response.json(failure.isEmpty() ? 200 : 503, JsonText.of(body));
  }

  private static Response notYet(String job) {
    return Response.json(
        404, JsonText.of(Map.of("error", "job '" + job + "' is not in the ledger yet")));
  }

  static int limit(Map<String, String> query) {
    String text = query.get("limit");
    if (text == null || !text.matches("\\d{1,4}")) {
      return DEFAULT_BATCHES;
    }
    return Math.max(1, Math.min(500, Integer.parseInt(text)));
  }

  private static String page() {
    try (InputStream in = EngineEndpoints.class.getResourceAsStream(PAGE)) {
      if (in == null) {
        throw new IllegalStateException("the status page " + PAGE + " is missing from the jar");
      }
      String html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!html.contains(INITIAL_DATA)) {
        throw new IllegalStateException("the status page has no " + INITIAL_DATA + " marker");
      }
      return html;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
