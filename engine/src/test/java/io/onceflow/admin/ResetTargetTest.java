package io.onceflow.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.api.ConfigException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ResetTargetTest {
  @Test
  void readsEarliestLatestAnOffsetATimestampAndADate() {
    assertEquals(new ResetTarget.Earliest(), ResetTarget.parse("earliest"));
    assertEquals(new ResetTarget.Latest(), ResetTarget.parse(" LATEST "));
    assertEquals(new ResetTarget.Offset(42), ResetTarget.parse("42"));
    assertEquals(
        new ResetTarget.Timestamp(Instant.parse("2026-11-24T08:00:00Z")),
        ResetTarget.parse("2026-11-24T08:00:00Z"));
    assertEquals(
        new ResetTarget.Timestamp(Instant.parse("2026-11-24T00:00:00Z")), ResetTarget.parse("2026-11-24"));
  }

  @Test
  void anythingElseIsAnErrorThatListsWhatIsAccepted() {
    for (String bad : new String[] {"yesterday", "-1", "1.5", "2026-13-01", ""}) {
      ConfigException e = assertThrows(ConfigException.class, () -> ResetTarget.parse(bad), bad);
      assertTrue(e.getMessage().contains("earliest, latest, an offset"), e.getMessage());
    }
  }
}
