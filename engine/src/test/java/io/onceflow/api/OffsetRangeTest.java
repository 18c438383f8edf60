package io.onceflow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OffsetRangeTest {
  @Test
  void isHalfOpen() {
    OffsetRange r = new OffsetRange("t", 0, 5, 8);
    assertEquals(3, r.count());
    assertTrue(r.contains(5));
    assertTrue(r.contains(7));
    assertFalse(r.contains(8));
    assertFalse(r.contains(4));
  }

  @Test
  void allowsAnEmptyRangeButSaysSo() {
    assertTrue(new OffsetRange("t", 0, 5, 5).isEmpty());
  }

  @Test
  void rejectsInvertedNegativeOrNamelessRanges() {
    assertThrows(IllegalArgumentException.class, () -> new OffsetRange("t", 0, 9, 8));
    assertThrows(IllegalArgumentException.class, () -> new OffsetRange("t", -1, 0, 8));
    assertThrows(IllegalArgumentException.class, () -> new OffsetRange("t", 0, -1, 8));
    assertThrows(IllegalArgumentException.class, () -> new OffsetRange("", 0, 0, 8));
    assertThrows(NullPointerException.class, () -> new OffsetRange(null, 0, 0, 8));
  }

  @Test
  void printsAsHalfOpenInterval() {
    assertEquals("t-2[5,8)", new OffsetRange("t", 2, 5, 8).toString());
  }
}
