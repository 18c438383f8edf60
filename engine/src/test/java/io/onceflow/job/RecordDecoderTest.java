package io.onceflow.job;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.onceflow.api.Record;
import io.onceflow.api.ValueFormat;
import io.onceflow.kafka.RangeRecords;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class RecordDecoderTest {

  private static RangeRecords range(String... values) {
    RangeRecords records = new RangeRecords("events", 2, values.length);
    for (int i = 0; i < values.length; i++) {
      ByteBuffer value = values[i] == null ? null : ByteBuffer.wrap(values[i].getBytes(UTF_8));
      records.add(100 + i, 5000 + i, ByteBuffer.wrap(("k" + i).getBytes(UTF_8)), value, new RecordHeaders());
    }
    return records;
  }

  @Test
  void bytesRecordsCarryEveryFieldAndTheirValueIsTheRawBytes() {
    RecordDecoder.Decoded decoded = new RecordDecoder(ValueFormat.BYTES).decode(range("a", null, "c"));
    assertTrue(decoded.failures().isEmpty());
    List<Record<Object>> records = decoded.records();
    assertEquals(3, records.size());
    Record<Object> first = records.get(0);
    assertEquals("events", first.topic());
    assertEquals(2, first.partition());
    assertEquals(100, first.offset());
    assertEquals(5000, first.timestamp());
    assertEquals("k0", first.keyAsString());
    assertArrayEquals("a".getBytes(UTF_8), first.rawValue());
    assertArrayEquals("a".getBytes(UTF_8), (byte[]) first.value());
    assertNull(records.get(1).value());
    assertEquals(List.of(101L, 102L), records.subList(1, 3).stream().map(Record::offset).toList());
  }

  @Test
  void aRecordListKeptPastItsTaskFailsInsteadOfShowingTheNextTasksRecords() {
    RangeRecords buffer = range("a", "b");
    List<Record<Object>> kept = new RecordDecoder(ValueFormat.BYTES).decode(buffer).records();
    Record<Object> record = kept.get(0);
    buffer.reset("other", 0);
    buffer.add(0, 0, null, ByteBuffer.wrap("z".getBytes(UTF_8)), new RecordHeaders());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> kept.get(0));
    assertTrue(e.getMessage().contains("after process() returned"), e.getMessage());
    assertArrayEquals("a".getBytes(UTF_8), record.rawValue(), "a Record itself stays valid");
  }

  @Test
  void stringRecordsDecodeUtf8() {
    RecordDecoder.Decoded decoded = new RecordDecoder(ValueFormat.STRING).decode(range("grüße"));
    assertEquals("grüße", decoded.records().get(0).value());
  }

  @Test
  void jsonValuesThatDoNotParseBecomeFailuresWithTheirRawBytes() {
    RecordDecoder.Decoded decoded =
        new RecordDecoder(ValueFormat.JSON).decode(range("{\"a\":1}", "{not json", "[2]"));
    assertEquals(List.of(100L, 102L), decoded.records().stream().map(Record::offset).toList());
    assertEquals(1, ((JsonNode) decoded.records().get(0).value()).get("a").asInt());
    assertEquals(1, decoded.failures().size());
    RecordDecoder.Failure failure = decoded.failures().get(0);
    assertEquals(101, failure.record().offset());
    assertEquals("k1", failure.record().keyAsString());
    assertArrayEquals("{not json".getBytes(UTF_8), failure.record().rawValue());
  }
}
