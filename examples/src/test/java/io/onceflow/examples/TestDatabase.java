package io.onceflow.examples;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh database on the local PostgreSQL for one test class, dropped afterwards. Deliberately
 * tiny: the shared test kit will replace it.
 */
final class TestDatabase implements AutoCloseable {

  private static final String DEFAULT_URL =
      "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

  private final String adminUrl;
  private final String name;
  private final String url;

  private TestDatabase(String adminUrl, String name) {
    this.adminUrl = adminUrl;
    this.name = name;
    this.url = adminUrl.replaceFirst("^(jdbc:postgresql://[^/?]*)(/[^?]*)?", "$1/" + name);
  }

  static TestDatabase create() throws SQLException {
    String admin = System.getenv("ONCEFLOW_TEST_POSTGRES_URL");
    TestDatabase db =
        new TestDatabase(
            admin == null || admin.isBlank() ? DEFAULT_URL : admin,
            "onceflow_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16));
    db.admin("CREATE DATABASE " + db.name);
    return db;
  }

  /** A new connection with auto-commit off, like a task's. */
  Connection connect() throws SQLException {
    Connection connection = DriverManager.getConnection(url);
    connection.setAutoCommit(false);
    return connection;
  }

  @Override
  public void close() throws SQLException {
    admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private void admin(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(adminUrl);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
