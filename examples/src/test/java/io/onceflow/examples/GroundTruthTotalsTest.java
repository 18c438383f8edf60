package io.onceflow.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

/** The ground truth against a second, independent derivation: parsing what the producer sends. */
class GroundTruthTotalsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aggTotalsAgreeWithSummingTheParsedValues() throws Exception {
    assertAgrees(Workload.standard(), 250_003);
  }

  @Test
  void aggTotalsLeaveOutMalformedRecords() throws Exception {
    assertAgrees(Workload.standard().withUsers(1_000).withMalformed(0.01, 5), 20_000);
  }

  @Test
  void emptyWorkloadHasNoTotals() {
    AggTotals totals = GroundTruth.aggTotals(0);
    assertEquals(0, totals.totalEvents());
    assertEquals(0, totals.usersWithEvents());
  }

  @Test
  void partitionLayoutAgreesWithReplayingTheDefaultPartitioner() {
    for (Workload workload :
        List.of(
            Workload.standard(),
            Workload.standard().withUsers(1_000),
            Workload.standard().withUsers(3))) {
      for (int partitions : new int[] {1, 8}) {
        long n = 123_457;
        List<List<Long>> byPartition = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
          byPartition.add(new ArrayList<>());
        }
        for (long i = 0; i < n; i++) {
          byPartition
              .get(BuiltInPartitioner.partitionForKey(workload.keyBytes(i), partitions))
              .add(i);
        }
        PartitionLayout layout = new PartitionLayout(workload, n, partitions);
        for (int p = 0; p < partitions; p++) {
          List<Long> expected = byPartition.get(p);
          assertEquals(expected.size(), layout.count(p), "count of partition " + p);
          for (int o = 0; o < expected.size(); o++) {
            assertEquals(expected.get(o), layout.indexAt(p, o));
          }
        }
      }
    }
  }

  private static void assertAgrees(Workload workload, long n) throws Exception {
    Map<String, long[]> parsed = new HashMap<>();
    long events = 0;
    for (long i = 0; i < n; i++) {
      JsonNode json;
      try {
        json = JSON.readTree(workload.payload(i));
      } catch (Exception malformed) {
        continue;
      }
      long[] totals = parsed.computeIfAbsent(json.get("user").asText(), u -> new long[2]);
      totals[0]++;
      totals[1] += json.get("amount").asLong();
      events++;
    }

    AggTotals truth = GroundTruth.aggTotals(n, workload);
    assertEquals(events, truth.totalEvents());
    assertEquals(n - events, truth.malformed());
    assertEquals(parsed.size(), truth.usersWithEvents());
    for (Map.Entry<String, long[]> user : parsed.entrySet()) {
      int u = Integer.parseInt(user.getKey().substring(1));
      assertEquals(user.getValue()[0], truth.events(u), user.getKey());
      assertEquals(user.getValue()[1], truth.amount(u), user.getKey());
    }
  }
}
