package io.onceflow.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class JdbcUrlTest {

  @Test
  void replacesTheDatabaseAndKeepsHostsAndParameters() {
    JdbcUrl url =
        JdbcUrl.parse("jdbc:postgresql://db1:5432,db2:5433/postgres?user=app&sslmode=disable");
    assertEquals("db1:5432,db2:5433", url.hosts());
    assertEquals("postgres", url.database());
    assertEquals("app", url.user());
    assertNull(url.password());
    assertEquals(
        "jdbc:postgresql://db1:5432,db2:5433/onceflow_test_x?user=app&sslmode=disable",
        url.withDatabase("onceflow_test_x").toString());
  }

  @Test
  void acceptsAUrlWithoutDatabaseOrParameters() {
    JdbcUrl url = JdbcUrl.parse("jdbc:postgresql://localhost");
    assertEquals("", url.database());
    assertEquals("jdbc:postgresql://localhost/d", url.withDatabase("d").toString());
  }

  @Test
  void redactsThePassword() {
    JdbcUrl url = JdbcUrl.parse("jdbc:postgresql://h/db?user=u&password=p%26w&x=1");
    assertEquals("p&w", url.password());
    assertEquals("jdbc:postgresql://h/db?user=u&password=***&x=1", url.redacted());
  }

  @Test
  void refusesOtherDrivers() {
    assertThrows(IllegalArgumentException.class, () -> JdbcUrl.parse("jdbc:mysql://h/db"));
  }
}
