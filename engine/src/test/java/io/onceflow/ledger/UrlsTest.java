package io.onceflow.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class UrlsTest {
  @Test
  void removesPasswordsFromQueryAndUserInfo() {
    String masked =
        Urls.withoutSecrets("jdbc:postgresql://bob:hunter2@db:5432/x?user=bob&password=hunter2&ssl=true");
    assertFalse(masked.contains("hunter2"), masked);
    assertEquals("jdbc:postgresql://***@db:5432/x?user=bob&password=***&ssl=true", masked);
  }

  @Test
  void leavesPlainUrlsAlone() {
    assertEquals("jdbc:postgresql://db/x", Urls.withoutSecrets("jdbc:postgresql://db/x"));
  }
}
