package io.onceflow.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** The extension against the real servers (local PostgreSQL and embedded Kafka here; no Docker). */
@ExtendWith(RealServers.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealServersTest {

  private static TestDatabase classDatabase;
  private static String previousTestDatabase;
  private TestDatabase beforeEachDatabase;

  @BeforeAll
  static void rememberClassDatabase(TestDatabase db) {
    classDatabase = db;
  }

  @BeforeEach
  void createTable(TestDatabase db) throws SQLException {
    beforeEachDatabase = db;
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE seen (n int)");
    }
  }

  @Test
  @Order(1)
  void injectsOneDatabasePerTestSharedWithBeforeEach(TestDatabase db, TestKafka kafka)
      throws SQLException {
    assertSame(beforeEachDatabase, db);
    assertNotEquals(classDatabase.name(), db.name());
    assertSame(TestKafka.shared(), kafka);
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.execute("INSERT INTO seen VALUES (1)"); // the table from @BeforeEach is there
    }
    previousTestDatabase = db.name();
  }

  @Test
  @Order(2)
  void dropsTheDatabaseAfterEachTest(TestDatabase db) throws SQLException {
    assertNotNull(previousTestDatabase);
    assertNotEquals(previousTestDatabase, db.name());
    assertFalse(exists(previousTestDatabase), previousTestDatabase + " should have been dropped");
    assertEquals(
        true, exists(classDatabase.name()), "the class-level database lives until afterAll");
  }

  private static boolean exists(String database) throws SQLException {
    try (Connection admin = PostgresServer.get().admin();
        PreparedStatement ps =
            admin.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      ps.setString(1, database);
      return ps.executeQuery().next();
    }
  }
}
