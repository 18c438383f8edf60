package io.onceflow.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesGetOnLoopbackRefusesOtherMethodsAndUnknownPaths() throws Exception {
    Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    endpoints.put("/hello", q -> Response.text(200, "text/html; charset=utf-8", "hi " + q.get("name")));
    endpoints.put("/broken", q -> {
      throw new IllegalStateException("cannot reach jdbc:postgresql://db/app?password=hunter2");
    });
    try (StatusServer server = StatusServer.start("127.0.0.1", 0, endpoints)) {
      assertTrue(server.url().startsWith("http://127.0.0.1:"), server.url());
      HttpResponse<String> hello = get(server, "/hello?name=a%20b", "GET");
      assertEquals(200, hello.statusCode());
      assertEquals("hi a b", hello.body());
      assertEquals("no-store", hello.headers().firstValue("Cache-Control").orElse(""));
      assertEquals("nosniff", hello.headers().firstValue("X-Content-Type-Options").orElse(""));
      assertEquals(StatusServer.PAGE_POLICY, hello.headers().firstValue("Content-Security-Policy").orElse(""));
      assertEquals(405, get(server, "/hello", "DELETE").statusCode());
      assertEquals(404, get(server, "/nothing", "GET").statusCode());
      HttpResponse<String> broken = get(server, "/broken", "GET");
      assertEquals(500, broken.statusCode());
      assertFalse(broken.body().contains("hunter2"), broken.body());
    }
  }

  @Test
  void jsonInsideAScriptElementCannotCloseIt() {
    String json = JsonText.forScript(Map.of("topic", "</script><script>alert(1)</script>"));
    assertFalse(json.contains("<"), json);
    assertFalse(json.contains(">"), json);
  }

  @Test
  void batchLimitIsBounded() {
    assertEquals(20, EngineEndpoints.limit(Map.of()));
    assertEquals(5, EngineEndpoints.limit(Map.of("limit", "5")));
    assertEquals(500, EngineEndpoints.limit(Map.of("limit", "9999")));
    assertEquals(1, EngineEndpoints.limit(Map.of("limit", "0")));
    assertEquals(20, EngineEndpoints.limit(Map.of("limit", "-3")));
    for (String bad : List.of("x", "1e3", "")) {
      assertEquals(20, EngineEndpoints.limit(Map.of("limit", bad)));
    }
  }

  private HttpResponse<String> get(StatusServer server, String path, String method) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
