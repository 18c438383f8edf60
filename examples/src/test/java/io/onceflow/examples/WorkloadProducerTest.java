package io.onceflow.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.api.OnceflowException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class WorkloadProducerTest {

  private final Workload workload = Workload.standard().withMalformed(0.3, 1);

  @Test
  void sendsTheRequestedRecordsInIndexOrderKeyedByUser() {
    MockProducer<byte[], byte[]> mock = mockProducer();
    List<Long> progress = new ArrayList<>();
    try (WorkloadProducer producer = new WorkloadProducer(mock, "bench.events", workload)) {
      assertEquals(25, producer.onProgress(progress::add, 10).produce(100_000, 25));
    }

    List<ProducerRecord<byte[], byte[]>> sent = mock.history();
    assertEquals(25, sent.size());
    for (int k = 0; k < sent.size(); k++) {
      long i = 100_000 + k;
      assertEquals("bench.events", sent.get(k).topic());
      assertArrayEquals(workload.keyBytes(i), sent.get(k).key());
      assertArrayEquals(workload.payload(i), sent.get(k).value());
    }
    assertEquals(List.of(10L, 20L, 25L), progress);
    assertTrue(mock.flushed() || mock.closed());
  }

  @Test
  void pacesRecordsOnAFixedSchedule() throws Exception {
    long[] now = {5_000_000_000L};
    List<Long> sleeps = new ArrayList<>();
    WorkloadProducer producer =
        new WorkloadProducer(
            mockProducer(),
            "t",
            workload,
            () -> now[0],
            nanos -> {
              sleeps.add(nanos);
              now[0] += nanos;
            });

    assertEquals(100, producer.produceAtRate(0, 100, 200.0)); // one record every 5 ms

    assertEquals(99, sleeps.size());
    assertTrue(sleeps.stream().allMatch(s -> s == 5_000_000L), sleeps.toString());
    assertEquals(5_000_000_000L + 99 * 5_000_000L, now[0]);
  }

  @Test
  void lateRecordsCatchUpWithoutSleeping() throws Exception {
    long[] now = {0};
    List<Long> sleeps = new ArrayList<>();
    MockProducer<byte[], byte[]> slow =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized Future<RecordMetadata> send(
              ProducerRecord<byte[], byte[]> record, Callback callback) {
            now[0] += 3_000_000L; // each send takes 3 ms
            return super.send(record, callback);
          }
        };
    new WorkloadProducer(slow, "t", workload, () -> now[0], sleeps::add)
        .produceAtRate(0, 50, 1000.0);
    assertEquals(List.of(), sleeps);
  }

  @Test
  void aFailedSendStopsProductionNamingTheRecord() {
    MockProducer<byte[], byte[]> failing =
        new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized Future<RecordMetadata> send(
              ProducerRecord<byte[], byte[]> record, Callback callback) {
            Future<RecordMetadata> future = super.send(record, callback);
            errorNext(new KafkaException("broker gone"));
            return future;
          }
        };
    WorkloadProducer producer = new WorkloadProducer(failing, "t", workload);
    OnceflowException error = assertThrows(OnceflowException.class, () -> producer.produce(7, 10));
    assertTrue(error.getMessage().endsWith("failed at record 7"), error.getMessage());
    assertEquals("broker gone", error.getCause().getMessage());
    assertEquals(1, failing.history().size());
  }

  @Test
  void configKeepsPartitionOrderAndBatchesLarge() {
    Map<String, Object> config = WorkloadProducer.config("localhost:9092");
    assertEquals(true, config.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
    assertEquals("all", config.get(ProducerConfig.ACKS_CONFIG));
    assertEquals(50, config.get(ProducerConfig.LINGER_MS_CONFIG));
    assertEquals(1 << 20, config.get(ProducerConfig.BATCH_SIZE_CONFIG));
    assertEquals("localhost:9092", config.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
  }

  @Test
  void refusesNonsense() {
    WorkloadProducer producer = new WorkloadProducer(mockProducer(), "t", workload);
    assertThrows(IllegalArgumentException.class, () -> producer.produce(-1, 1));
    assertThrows(IllegalArgumentException.class, () -> producer.produceAtRate(0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> producer.onProgress(n -> {}, 0));
  }

  private static MockProducer<byte[], byte[]> mockProducer() {
    return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
