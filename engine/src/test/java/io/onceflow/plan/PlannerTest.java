package io.onceflow.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.api.OffsetRange;
import io.onceflow.ledger.PartitionId;
import io.onceflow.ledger.PartitionPosition;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PlannerTest {
  private static final PartitionId P0 = new PartitionId("events", 0);
  private static final PartitionId P1 = new PartitionId("events", 1);

  private static Map<PartitionId, PartitionPosition> positions(PartitionPosition... all) {
    Map<PartitionId, PartitionPosition> map = new TreeMap<>();
    for (PartitionPosition p : all) {
      map.put(p.partition(), p);
    }
    return map;
  }

  @Test
  void plansFromThePlannedPositionUpToTheEnd() {
    List<OffsetRange> ranges =
        new Planner(1000).plan(positions(new PartitionPosition(P0, 10, 10)), Map.of(P0, 25L));
    assertEquals(List.of(new OffsetRange("events", 0, 10, 25)), ranges);
  }

  @Test
  void capsEachRangeAtTheMaximumRecordsPerPartition() {
    List<OffsetRange> ranges =
        new Planner(100).plan(positions(new PartitionPosition(P0, 0, 0)), Map.of(P0, 1_000L));
    assertEquals(List.of(new OffsetRange("events", 0, 0, 100)), ranges);
  }

  @Test
  void continuesAfterRangesAlreadyPlannedButNotCommitted() {
    List<OffsetRange> ranges =
        new Planner(100).plan(positions(new PartitionPosition(P0, 0, 100)), Map.of(P0, 150L));
    assertEquals(List.of(new OffsetRange("events", 0, 100, 150)), ranges);
  }

  @Test
  void neverPlansAnEmptyRange() {
    List<OffsetRange> ranges =
        new Planner(100)
            .plan(
                positions(new PartitionPosition(P0, 5, 5), new PartitionPosition(P1, 7, 9)),
                Map.of(P0, 5L, P1, 9L));
    assertTrue(ranges.isEmpty());
  }

  @Test
  void skipsPartitionsWhoseEndIsUnknownOrBehindThePlan() {
    List<OffsetRange> ranges =
        new Planner(100)
            .plan(
                positions(new PartitionPosition(P0, 5, 5), new PartitionPosition(P1, 50, 50)),
                Map.of(P1, 40L));
    assertTrue(ranges.isEmpty());
  }

  @Test
  void plansOneRangePerPartitionInPartitionOrder() {
    List<OffsetRange> ranges =
        new Planner(10)
            .plan(
                positions(new PartitionPosition(P1, 0, 0), new PartitionPosition(P0, 3, 3)),
                Map.of(P0, 4L, P1, 30L));
    assertEquals(
        List.of(new OffsetRange("events", 0, 3, 4), new OffsetRange("events", 1, 0, 10)), ranges);
  }

  @Test
  void refusesANonPositiveCap() {
    assertThrows(IllegalArgumentException.class, () -> new Planner(0));
  }

  @Test
  void aBatchCapLowersTheRangeButNeverRaisesItAboveTheMaximum() {
    Map<PartitionId, PartitionPosition> at0 = positions(new PartitionPosition(P0, 0, 0));
    assertEquals(
        List.of(new OffsetRange("events", 0, 0, 30)), new Planner(100).plan(at0, Map.of(P0, 1_000L), 30));
    assertEquals(
        List.of(new OffsetRange("events", 0, 0, 100)), new Planner(100).plan(at0, Map.of(P0, 1_000L), 5_000));
    assertThrows(IllegalArgumentException.class, () -> new Planner(100).plan(at0, Map.of(P0, 1L), 0));
  }

  @Test
  void aPartitionWithItsTasksInFlightGetsNoRangeWhileTheOthersAreStillPlanned() {
    PartitionPosition full = new PartitionPosition(P0, 0, 200, 2, null, null);
    PartitionPosition free = new PartitionPosition(P1, 0, 100, 1, null, null);
    List<OffsetRange> ranges =
        new Planner(100, 2).plan(positions(full, free), Map.of(P0, 1_000L, P1, 1_000L));
    assertEquals(List.of(new OffsetRange(P1.topic(), P1.partition(), 100, 200)), ranges);
    PartitionPosition halted = new PartitionPosition(P1, 0, 0, 0, null, "halted");
    assertTrue(new Planner(100, 2).plan(positions(halted), Map.of(P1, 1_000L)).isEmpty());
  }
}
