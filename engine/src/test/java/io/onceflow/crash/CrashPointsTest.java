package io.onceflow.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.PrintStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CrashPointsTest {
  @Test
  void isInertWithoutTheEnvironmentVariable() {
    assertNull(CrashPoints.fromEnvironment(Map.of(), System.out));
  }

  @Test
  void rejectsAnUnknownStep() {
    assertThrows(
        IllegalArgumentException.class,
        () -> CrashPoints.fromEnvironment(Map.of("ONCEFLOW_CRASH_AT", "worker.nope"), System.out));
  }

  @Test
  void everyStepIdRoundTrips() {
    for (CrashPoint p : CrashPoint.values()) {
      assertEquals(p, CrashPoint.byId(p.id()));
    }
  }

  @Test
  void armsTheNamedStep() {
    PrintStream out = System.out;
    CrashPoints armed =
        CrashPoints.fromEnvironment(
            Map.of("ONCEFLOW_CRASH_AT", "worker.fenced", "ONCEFLOW_CRASH_AFTER", "3"), out);
    assertEquals(false, armed == null);
  }
}
