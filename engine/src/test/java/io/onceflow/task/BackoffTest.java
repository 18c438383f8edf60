package io.onceflow.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesFromTheFloorUpToTheCeilingWithJitterInTheUpperHalf() {
    Backoff lowest = new Backoff(100, 1_000, bound -> 0);
    Backoff highest = new Backoff(100, 1_000, bound -> bound - 1);
    List<Long> low = new ArrayList<>();
    List<Long> high = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      low.add(lowest.next());
      high.add(highest.next());
    }
    assertEquals(List.of(50L, 100L, 200L, 400L, 500L, 500L), low);
    assertEquals(List.of(100L, 200L, 400L, 800L, 1_000L, 1_000L), high);
  }

  @Test
  void countsAttemptsAndStartsOverAfterReset() {
    Backoff backoff = new Backoff(100, 1_000, bound -> bound - 1);
    backoff.next();
    backoff.next();
    assertEquals(2, backoff.attempts());
    backoff.reset();
    assertEquals(0, backoff.attempts());
    assertEquals(100, backoff.next());
  }

  @Test
  void staysWithinItsBoundsWithRealRandomness() {
    Backoff backoff = new Backoff(10, 80);
    for (int i = 0; i < 1_000; i++) {
      long delay = backoff.next();
      assertTrue(delay >= 5 && delay <= 80, "delay " + delay);
    }
  }

  @Test
  void refusesAnInvertedRange() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(100, 10));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 10));
  }
}
