package io.onceflow.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.ledger.PartitionHalts.Kind;
import io.onceflow.ledger.PartitionId;
import io.onceflow.ledger.PartitionPosition;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PartitionCheckTest {
  private static final PartitionId P0 = new PartitionId("events", 0);
  private static final PartitionId P1 = new PartitionId("events", 1);
  private static final PartitionId P2 = new PartitionId("events", 2);

  private static Map<PartitionId, PartitionPosition> known(PartitionPosition... positions) {
    Map<PartitionId, PartitionPosition> map = new TreeMap<>();
    for (PartitionPosition p : positions) {
      map.put(p.partition(), p);
    }
    return map;
  }

  private static PartitionPosition at(PartitionId id, long committed, long planned, String topicId) {
    return new PartitionPosition(id, committed, planned, committed == planned ? 0 : 1, topicId, null);
  }

  @Test
  void aChangedTopicIdHaltsAtOnceWithTheNewPartitionsOfTheTopicAndNamesTheReset() {
    PartitionCheck check = new PartitionCheck("totals");
    PartitionCheck.Verdict v =
        check.check(known(at(P0, 5_000, 5_000, "old"), at(P1, 5_000, 6_000, "old")), List.of(P2),
            Map.of("events", "new"), Map.of(P0, 7_500L, P1, 7_500L, P2, 7_500L), 0);
    assertEquals(3, v.halts().size(), v.toString());
    assertTrue(v.halts().stream().allMatch(h -> h.kind() == Kind.RECREATED));
    assertEquals(Set.of(P0, P1, P2), v.leftOut());
    String reason = v.halts().get(0).reason();
    assertTrue(reason.contains("events-0") && reason.contains("old") && reason.contains("new")
        && reason.contains("5000") && reason.contains("onceflow offsets reset"), reason);
    assertEquals(Map.of(P2, "new"), v.topicIds(), "the new partition is recorded with its topic's ID");
  }

  @Test
  void aMissingTopicOrAShrunkenLogHaltsOnlyAfterBeingSeenSoWithoutABreak() {
    PartitionCheck check = new PartitionCheck("totals");
    Map<PartitionId, PartitionPosition> known =
        known(at(P0, 5_000, 5_000, "id"), at(P1, 5_000, 5_000, "id"));
    Map<String, String> ids = Map.of("events", "id");
    // P0's log ends below its committed offset; P1 is fine
    PartitionCheck.Verdict first = check.check(known, List.of(), ids, Map.of(P0, 100L, P1, 5_000L), 1_000);
    assertTrue(first.halts().isEmpty(), "not halted at first sight");
    assertEquals(Set.of(P0), first.leftOut(), "but not planned either");
    PartitionCheck.Verdict healed = check.check(known, List.of(), ids, Map.of(P0, 5_000L, P1, 5_000L), 3_000);
    assertTrue(healed.halts().isEmpty() && healed.leftOut().isEmpty(), "a blip is forgotten");
    check.check(known, List.of(), ids, Map.of(P0, 100L, P1, 5_000L), 4_000);
    PartitionCheck.Verdict early = check.check(known, List.of(), ids, Map.of(P0, 100L, P1, 5_000L), 8_999);
    assertTrue(early.halts().isEmpty(), "the suspicion restarted after the blip");
    PartitionCheck.Verdict confirmed = check.check(known, List.of(), ids, Map.of(P0, 100L, P1, 5_000L), 9_000);
    assertEquals(1, confirmed.halts().size());
    assertEquals(Kind.TRUNCATED, confirmed.halts().get(0).kind());
    assertTrue(confirmed.halts().get(0).reason().contains("ends at 100, below its committed offset 5000"),
        confirmed.halts().get(0).reason());

    PartitionCheck gone = new PartitionCheck("totals");
    gone.check(known, List.of(), Map.of(), Map.of(), 0);
    PartitionCheck.Verdict deleted = gone.check(known, List.of(), Map.of(), Map.of(), PartitionCheck.CONFIRM_MS);
    assertEquals(2, deleted.halts().size());
    assertTrue(deleted.halts().stream().allMatch(h -> h.kind() == Kind.DELETED));
  }

  @Test
  void aLogBelowThePlannedOffsetHaltsTooSinceThePlannedRangeCanNeverBeRead() {
    PartitionCheck check = new PartitionCheck("totals");
    Map<PartitionId, PartitionPosition> known = known(at(P0, 5_000, 6_000, "id"));
    check.check(known, List.of(), Map.of("events", "id"), Map.of(P0, 5_500L), 0);
    PartitionCheck.Verdict v =
        check.check(known, List.of(), Map.of("events", "id"), Map.of(P0, 5_500L), PartitionCheck.CONFIRM_MS);
    assertEquals(1, v.halts().size());
    assertTrue(v.halts().get(0).reason().contains("planned offset 6000"), v.halts().get(0).reason());
  }

  @Test
  void aPartitionWithoutARecordedIdAdoptsTheCurrentOneAndAHaltedOneStaysOut() {
    PartitionCheck check = new PartitionCheck("totals");
    PartitionPosition halted = new PartitionPosition(P1, 10, 10, 0, "id", "halted before");
    PartitionCheck.Verdict v =
        check.check(known(at(P0, 10, 10, null), halted), List.of(), Map.of("events", "id"),
            Map.of(P0, 20L, P1, 20L), 0);
    assertEquals(Map.of(P0, "id"), v.topicIds());
    assertTrue(v.halts().isEmpty());
    assertEquals(Set.of(P1), v.leftOut());
  }
}
