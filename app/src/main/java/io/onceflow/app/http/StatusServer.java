package io.onceflow.app.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.onceflow.api.OnceflowException;
import io.onceflow.config.Secrets;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's HTTP endpoints on the JDK's own server: read-only GETs, bound to the configured
 * address (127.0.0.1 unless {@code http.bind.address} says otherwise).
 *
 * <p>Every answer carries {@code Cache-Control: no-store} and {@code X-Content-Type-Options:
 * nosniff}; HTML pages also a Content-Security-Policy that allows only their own inline script
 * and style and requests to this server. Methods other than GET and HEAD get 405; an endpoint
 * that throws gets 500 with its message, URLs masked, and a log line.
 *
 * <p>Thread-safe. Requests run on two daemon threads: a scrape or a page refresh never competes
 * with the engine for more.
 */
public final class StatusServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusServer.class);
  static final String PAGE_POLICY =
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';"
          + " connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none';"
          + " frame-ancestors 'none'";

  private final HttpServer server;
  private final ExecutorService executor;

  private StatusServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds {@code address:port} (port 0: any free port) and serves {@code endpoints} by exact path.
   *
   * @throws OnceflowException when the address cannot be bound, naming it and the key to change
   */
  public static StatusServer start(String address, int port, Map<String, Endpoint> endpoints) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(address, port), 16);
    } catch (IOException | RuntimeException e) {
      throw new OnceflowException(
          "Cannot serve HTTP at " + address + ":" + port + " (" + e.getMessage() + "). Choose"
              + " another http.port or http.bind.address.",
          e);
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "onceflow-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", exchange -> handle(exchange, endpoints));
    server.start();
    return new StatusServer(server, executor);
  }

  /** The port it listens on (the chosen one when started with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port}, the address as bound. */
  public String url() {
    String host = server.getAddress().getHostString();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
  }

  private static void handle(HttpExchange exchange, Map<String, Endpoint> endpoints)
      throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      Endpoint endpoint = endpoints.get(exchange.getRequestURI().getPath());
      Response response;
      if (endpoint == null) {
        response = Response.text(404, "text/plain; charset=utf-8", "Not found. Try " + String.join(", ", endpoints.keySet().stream().sorted().toList()) + "\n");
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        response = Response.text(405, "text/plain; charset=utf-8", "Read-only: GET or HEAD\n");
      } else {
        response = answer(endpoint, exchange);
      }
      send(exchange, response, method.equals("HEAD"));
    }
  }

  private static Response answer(Endpoint endpoint, HttpExchange exchange) {
    try {
      return endpoint.get(query(exchange.getRequestURI().getRawQuery()));
    } catch (Exception e) {
      String message = Secrets.maskUrl(String.valueOf(e.getMessage()));
      log.warn("HTTP {} failed: {}", exchange.getRequestURI().getPath(), message);
      return Response.json(500, "{\"error\":" + JsonText.quote(message) + "}");
    }
  }

  private static void send(HttpExchange exchange, Response response, boolean headOnly)
      throws IOException {
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", response.contentType());
    headers.set("Cache-Control", "no-store");
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    if (response.contentType().startsWith("text/html")) {
      headers.set("Content-Security-Policy", PAGE_POLICY);
    }
    byte[] body = response.body();
    exchange.sendResponseHeaders(response.status(), headOnly ? -1 : (body.length == 0 ? -1 : body.length));
    if (!headOnly && body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  static Map<String, String> query(String raw) {
    Map<String, String> params = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return params;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
