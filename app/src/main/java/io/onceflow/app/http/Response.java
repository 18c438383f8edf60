package io.onceflow.app.http;

import java.nio.charset.StandardCharsets;

/** What an endpoint answers: status code, content type and body. */
public record Response(int status, String contentType, byte[] body) {

  static Response text(int status, String contentType, String body) {
    return new Response(status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  static Response json(int status, String json) {
    return text(status, "application/json; charset=utf-8", json);
  }
}
