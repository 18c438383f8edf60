package io.onceflow.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class RangeRecordsTest {

  @Test
  void keepsEachRecordsFieldsIncludingNullKeysValuesAndHeaders() {
    RangeRecords records = new RangeRecords("t", 3, 1);
    records.add(10, 1000, bytes("k1"), bytes("v1"), new RecordHeaders());
    records.add(12, 1001, null, bytes("v2"), new RecordHeaders());
    RecordHeaders headers = new RecordHeaders();
    headers.add("h", "x".getBytes(UTF_8));
    headers.add("empty", null);
    records.add(13, 1002, bytes("k3"), null, headers);
    records.add(14, 1003, bytes(""), bytes(""), new RecordHeaders());

    assertEquals(4, records.size());
    assertEquals("t", records.topic());
    assertEquals(3, records.partition());
    assertEquals(12, records.offset(1));
    assertEquals(1002, records.timestamp(2));
    assertEquals("k1", text(records.key(0)));
    assertEquals("v1", text(records.value(0)));
    assertNull(records.key(1));
    assertEquals("v2", text(records.value(1)));
    assertEquals("k3", text(records.key(2)));
    assertNull(records.value(2));
    assertEquals(0, records.key(3).length);
    assertEquals(0, records.value(3).length);
    List<Map.Entry<String, byte[]>> h = records.headers(2);
    assertEquals(List.of("h", "empty"), h.stream().map(Map.Entry::getKey).toList());
    assertArrayEquals("x".getBytes(UTF_8), h.get(0).getValue());
    assertEquals(0, h.get(1).getValue().length);
    assertTrue(records.headers(0).isEmpty());
  }

  @Test
  void readsOnlyTheRemainingBytesOfAViewWithoutMovingIt() {
    ByteBuffer fetched = ByteBuffer.wrap("..key..value..".getBytes(UTF_8));
    ByteBuffer key = fetched.duplicate().position(2).limit(5).slice();
    ByteBuffer value = fetched.duplicate().position(7).limit(12);
    RangeRecords records = new RangeRecords("t", 0, 4);
    records.add(0, 0, key, value, new RecordHeaders());
    assertEquals("key", text(records.key(0)));
    assertEquals("value", text(records.value(0)));
    assertEquals(7, value.position(), "the consumer's buffer is left as it was");
  }

  @Test
  void growsPastItsExpectedSizeAndAcrossChunks() {
    RangeRecords records = new RangeRecords("t", 0, 2);
    byte[] big = new byte[RangeRecords.CHUNK_BYTES / 3];
    int n = 10;
    for (int i = 0; i < n; i++) {
      Arrays.fill(big, (byte) i);
      records.add(i, i, bytes("k" + i), ByteBuffer.wrap(big), new RecordHeaders());
    }
    assertEquals(n, records.size());
    for (int i = 0; i < n; i++) {
      assertEquals("k" + i, text(records.key(i)));
      byte[] value = records.value(i);
      assertEquals(big.length, value.length);
      assertEquals((byte) i, value[0]);
      assertEquals((byte) i, value[value.length - 1]);
    }
    assertTrue(records.chunkBytes() >= 4L * RangeRecords.CHUNK_BYTES, "values do not straddle chunks");
  }

  @Test
  void aRecordLargerThanAChunkGetsAChunkOfItsOwn() {
    RangeRecords records = new RangeRecords("t", 0, 2);
    byte[] huge = new byte[RangeRecords.CHUNK_BYTES + 100];
    huge[huge.length - 1] = 7;
    records.add(0, 0, bytes("small"), bytes("v"), new RecordHeaders());
    records.add(1, 0, null, ByteBuffer.wrap(huge), new RecordHeaders());
    records.add(2, 0, bytes("after"), bytes("w"), new RecordHeaders());
    assertArrayEquals(huge, records.value(1));
    assertEquals("after", text(records.key(2)));
    assertEquals("v", text(records.value(0)));
  }

  @Test
  void everyReadIsAFreshCopy() {
    RangeRecords records = new RangeRecords("t", 0, 1);
    records.add(0, 0, bytes("k"), bytes("v"), new RecordHeaders());
    byte[] first = records.value(0);
    first[0] = 'x';
    assertNotSame(first, records.value(0));
    assertEquals("v", text(records.value(0)));
  }

  @Test
  void aResetBufferHoldsOnlyTheNextRangesRecordsInTheSameMemory() {
    RangeRecords records = new RangeRecords("t", 0, 2);
    byte[] big = new byte[RangeRecords.CHUNK_BYTES / 2];
    for (int i = 0; i < 5; i++) {
      records.add(i, i, null, ByteBuffer.wrap(big), new RecordHeaders());
    }
    RecordHeaders headers = new RecordHeaders();
    headers.add("h", new byte[] {1});
    records.add(5, 5, null, bytes("x"), headers);
    long memory = records.chunkBytes();
    int generation = records.generation();

    records.reset("u", 7);
    assertEquals(0, records.size());
    assertTrue(records.generation() != generation);
    for (int i = 0; i < 3; i++) {
      records.add(100 + i, 0, bytes("k" + i), ByteBuffer.wrap(big), new RecordHeaders());
    }
    records.add(103, 0, bytes("last"), bytes("y"), new RecordHeaders());
    assertEquals(4, records.size());
    assertEquals("u", records.topic());
    assertEquals(7, records.partition());
    assertEquals(100, records.offset(0));
    assertEquals("k2", text(records.key(2)));
    assertEquals("y", text(records.value(3)));
    assertTrue(records.headers(3).isEmpty(), "no header left over from the previous range");
    assertThrows(IndexOutOfBoundsException.class, () -> records.offset(4));
    assertEquals(memory, records.chunkBytes(), "the chunks of the previous range were reused");
  }

  @Test
  void aResetKeepsOnlyTheChunksTheLastRangeNeeded() {
    RangeRecords records = new RangeRecords("t", 0, 2);
    byte[] big = new byte[RangeRecords.CHUNK_BYTES / 2 + 1]; // one record per chunk
    for (int i = 0; i < 6; i++) {
      records.add(i, i, null, ByteBuffer.wrap(big), new RecordHeaders());
    }
    records.reset("t", 0);
    assertEquals(6L * RangeRecords.CHUNK_BYTES, records.chunkBytes(), "all six kept for the next");
    records.add(0, 0, null, bytes("small"), new RecordHeaders());
    records.reset("t", 0);
    assertEquals(RangeRecords.CHUNK_BYTES, records.chunkBytes(), "a small range needed one chunk");
    records.reset("t", 0);
    assertEquals(0, records.chunkBytes(), "an empty range needed none");
    records.add(0, 0, bytes("k"), bytes("v"), new RecordHeaders());
    assertEquals("v", text(records.value(0)));
  }

  @Test
  void refusesAnIndexOutsideTheRecords() {
    RangeRecords records = new RangeRecords("t", 0, 8);
    records.add(0, 0, null, null, new RecordHeaders());
    assertThrows(IndexOutOfBoundsException.class, () -> records.offset(1));
    assertThrows(IndexOutOfBoundsException.class, () -> records.value(-1));
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(UTF_8));
  }

  private static String text(byte[] b) {
    return new String(b, UTF_8);
  }
}
