package io.onceflow.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Reads the connection properties a PostgreSQL JDBC URL carries in its query string. */
final class JdbcUrls {

  private JdbcUrls() {}

  /**
   * The {@code ?name=value&…} parameters of {@code url}, names lower-cased. Values are not
   * URL-decoded: the callers compare plain words such as {@code never}.
   */
  static Map<String, String> queryParameters(String url) {
    Map<String, String> params = new HashMap<>();
    int q = url.indexOf('?');
    if (q < 0) {
      return params;
    }
    for (String pair : url.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      if (!name.isBlank()) {
        params.put(name.strip().toLowerCase(Locale.ROOT), value.strip());
      }
    }
    return params;
  }
}
