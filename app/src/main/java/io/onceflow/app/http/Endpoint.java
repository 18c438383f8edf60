package io.onceflow.app.http;

import java.util.Map;

/** One read-only HTTP endpoint: a GET with query parameters in, a {@link Response} out. */
@FunctionalInterface
public interface Endpoint {
  Response get(Map<String, String> query) throws Exception;
}
