package io.onceflow.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkloadTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Workload workload = Workload.standard();

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 99_999, 100_000, 4_999_999, 5_000_000, 123_456_789_012L})
  void valueIsOneHundredBytesOfTheFormulasJson(long i) throws Exception {
    byte[] value = workload.value(i);
    assertEquals(100, value.length);

    JsonNode json = JSON.readTree(value);
    assertEquals("u" + (i % 100_000), json.get("user").asText());
    assertEquals(
        BigInteger.valueOf(i)
            .multiply(BigInteger.valueOf(7919))
            .mod(BigInteger.valueOf(1000))
            .longValue(),
        json.get("amount").asLong());
    assertEquals(1_700_000_000_000L + i, json.get("ts").asLong());
    assertTrue(json.get("pad").asText().matches("x*"));
    assertEquals(4, json.size());
  }

  @Test
  void recordZeroIsExactlyAsSpecified() {
    assertEquals(
        "{\"user\":\"u0\",\"amount\":0,\"ts\":1700000000000,\"pad\":\"" + "x".repeat(48) + "\"}",
        new String(workload.value(0), StandardCharsets.UTF_8));
    assertEquals("u0", workload.key(0));
    assertArrayEquals("u42".getBytes(StandardCharsets.UTF_8), workload.keyBytes(100_042));
  }

  @Test
  void valueStaysOneHundredBytesAtTheLargestIndex() throws Exception {
    Workload manyUsers = Workload.standard().withUsers(Integer.MAX_VALUE);
    long i = Long.MAX_VALUE - Workload.TS_BASE;
    byte[] value = manyUsers.value(i);
    assertEquals(100, value.length);
    assertEquals(Long.MAX_VALUE, JSON.readTree(value).get("ts").asLong());
    assertThrows(ArithmeticException.class, () -> Workload.ts(i + 1));
  }

  @Test
  void amountDoesNotOverflowForHugeIndices() {
    long i = Long.MAX_VALUE;
    assertEquals(
        BigInteger.valueOf(i)
            .multiply(BigInteger.valueOf(7919))
            .mod(BigInteger.valueOf(1000))
            .longValue(),
        Workload.amount(i));
  }

  @Test
  void fewerUsersForSmallDemos() {
    Workload small = Workload.standard().withUsers(10);
    assertEquals("u3", small.user(13));
    assertEquals(3, small.userNumber(13));
    assertEquals(Workload.amount(13), 13 * 7919 % 1000);
  }

  @Test
  void malformedValuesAreNotJsonButStartLikeAnEvent() {
    for (long i : new long[] {0, 7, 99_999, 5_000_000}) {
      byte[] bad = workload.malformedValue(i);
      assertThrows(JacksonException.class, () -> JSON.readTree(bad));
      assertTrue(
          new String(bad, StandardCharsets.UTF_8)
              .startsWith("{\"user\":\"" + workload.user(i) + "\",\"amount\":"));
    }
  }

  @Test
  void noRecordIsMalformedByDefault() {
    for (long i = 0; i < 100_000; i++) {
      assertFalse(workload.isMalformed(i));
    }
    assertEquals(0, workload.malformedCount(1_000_000));
  }

  @Test
  void malformedRecordsAreDeterministicAndNearTheFraction() {
    Workload some = workload.withMalformed(0.001, 42);
    long count = some.malformedCount(1_000_000);
    assertTrue(count > 850 && count < 1150, "count " + count);
    assertEquals(count, workload.withMalformed(0.001, 42).malformedCount(1_000_000));
    assertNotEquals(count, workload.withMalformed(0.001, 43).malformedCount(1_000_000));
    long first = 0;
    while (!some.isMalformed(first)) {
      first++;
    }
    assertArrayEquals(some.malformedValue(first), some.payload(first));
    assertArrayEquals(some.value(first + 1), some.withMalformed(0, 42).payload(first + 1));
    assertEquals(1_000, workload.withMalformed(1.0, 1).malformedCount(1_000));
  }

  @Test
  void partitionMatchesKafkasDefaultPartitioner() {
    for (long i = 0; i < 200_000; i += 7) {
      for (int partitions : new int[] {1, 3, 8, 12}) {
        assertEquals(
            BuiltInPartitioner.partitionForKey(workload.keyBytes(i), partitions),
            workload.partitionOf(i, partitions));
      }
    }
  }

  @Test
  void refusesNonsense() {
    assertThrows(IllegalArgumentException.class, () -> workload.value(-1));
    assertThrows(IllegalArgumentException.class, () -> workload.withUsers(0));
    assertThrows(IllegalArgumentException.class, () -> workload.withMalformed(1.5, 0));
    assertThrows(IllegalArgumentException.class, () -> workload.withMalformed(Double.NaN, 0));
  }
}
