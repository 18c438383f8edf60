package io.onceflow.testkit;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A PostgreSQL JDBC URL taken apart just enough to point it at another database: {@code
 * jdbc:postgresql://<hosts>/<database>?<params>}. The hosts part is kept verbatim; parameters keep
 * their order.
 */
record JdbcUrl(String hosts, String database, Map<String, String> params) {

  private static final String PREFIX = "jdbc:postgresql://";

  JdbcUrl {
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  static JdbcUrl parse(String url) {
    if (url == null || !url.startsWith(PREFIX)) {
      throw new IllegalArgumentException(
          "not a PostgreSQL JDBC URL (want " + PREFIX + "host:port/database?user=...): " + url);
    }
    String rest = url.substring(PREFIX.length());
    String query = "";
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    int slash = rest.indexOf('/');
    String hosts = slash >= 0 ? rest.substring(0, slash) : rest;
    String database = slash >= 0 ? decode(rest.substring(slash + 1)) : "";
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (!pair.isEmpty()) {
        int eq = pair.indexOf('=');
        params.put(
            decode(eq >= 0 ? pair.substring(0, eq) : pair),
            eq >= 0 ? decode(pair.substring(eq + 1)) : "");
      }
    }
    return new JdbcUrl(hosts, database, params);
  }

  JdbcUrl withDatabase(String name) {
    return new JdbcUrl(hosts, name, params);
  }

  JdbcUrl withParam(String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(params);
    copy.put(key, value);
    return new JdbcUrl(hosts, database, copy);
  }

  /** The {@code user} parameter, or null when the driver would use the OS user name. */
  String user() {
    return params.get("user");
  }

  String password() {
    return params.get("password");
  }

  @Override
  public String toString() {
    String query =
        params.entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"));
    return PREFIX + hosts + "/" + encode(database) + (query.isEmpty() ? "" : "?" + query);
  }

  /** The URL with any password replaced, for messages. */
  String redacted() {
    return params.containsKey("password")
        ? toString().replaceAll("([?&]password=)[^&]*", "$1***")
        : toString();
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
