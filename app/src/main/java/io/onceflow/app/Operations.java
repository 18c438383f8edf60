package io.onceflow.app;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.onceflow.app.http.EngineEndpoints;
import io.onceflow.app.http.StatusServer;
import io.onceflow.config.OnceflowConfig;
import io.onceflow.metrics.EngineMetrics;
import io.onceflow.metrics.MicrometerEngineMetrics;
import io.onceflow.runtime.Engine;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an engine process shows of itself: its meters (a Prometheus registry, JVM meters
 * included) and, when {@code http.port} is set, the HTTP endpoints ({@link EngineEndpoints}).
 *
 * <p>Build it before the engine (the engine reports into {@link #metrics()}), {@link #serve} once
 * it started, {@link #close()} when it stopped.
 */
final class Operations implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Operations.class);

  private final OnceflowConfig config;
  private final PrometheusMeterRegistry registry;
  private final EngineMetrics metrics;
  private StatusServer server;

  private Operations(OnceflowConfig config, PrometheusMeterRegistry registry) {
    this.config = config;
    this.registry = registry;
    this.metrics = new MicrometerEngineMetrics(registry, config.jobName());
  }

  static Operations forJob(OnceflowConfig config) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return new Operations(config, registry);
  }

  EngineMetrics metrics() {
    return metrics;
  }

  /** Starts the HTTP endpoints if {@code http.port} is set; logs where they are. */
  void serve(Engine engine) {
    if (config.httpPort().isEmpty()) {
      return;
    }
    server =
        StatusServer.start(
            config.httpBindAddress(), config.httpPort().getAsInt(), EngineEndpoints.of(engine, registry));
    log.info(
        engine.driver().isPresent()
            ? "Status page at {}/ (also /metrics, /health, /api/status, /api/batches)"
            : "Metrics at {}/metrics (also /health)",
        server.url());
  }

  Optional<StatusServer> server() {
    return Optional.ofNullable(server);
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    registry.close();
  }
}
