package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.examples.Workload;
import io.onceflow.examples.WorkloadProducer;
import io.onceflow.runtime.Engine;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A job slower than its input: records arrive at 1,300/s per partition, the job manages about
 * 1,000/s per partition (1 ms per record). Without backpressure every batch takes all that arrived
 * while the previous one ran, so batches grow and each waits longer than the last. With {@code
 * batch.backpressure=on} the driver caps each batch at what the workers process in one interval,
 * and the scheduling delay stays bounded. (The lag grows either way: the input is faster than the
 * job. Backpressure keeps it in Kafka instead of in ever larger batches.)
 */
@ExtendWith(RealServers.class)
class BackpressureIT {
  private static final int PARTITIONS = 2;
  private static final long INTERVAL_MS = 500;
  private static final double RATE_PER_PARTITION = 1_300;
  private static final long RUN_SECONDS = 20;

  /** One batch as the ledger recorded it. */
  record Batch(long id, double plannedAtS, long records, long delayMs, long processingMs) {}

  @Test
  void schedulingDelayStaysBoundedWithBackpressure(TestKafka kafka, TestDatabase db) throws Exception {
    List<Batch> batches = run("bp_on", "on", kafka, db);
    List<Batch> late = after(batches, RUN_SECONDS / 2.0);
    long worst = late.stream().mapToLong(Batch::delayMs).max().orElseThrow();
    assertTrue(worst <= 3 * INTERVAL_MS,
        "with backpressure the delay stays within a few intervals, worst " + worst + " ms:\n" + table(batches));
    long largest = late.stream().mapToLong(Batch::records).max().orElseThrow();
    assertTrue(largest <= PARTITIONS * RATE_PER_PARTITION * INTERVAL_MS / 1000 * 1.5,
        "batches are capped near one interval's worth, largest " + largest + ":\n" + table(batches));
  }

  @Test
  void withoutBackpressureTheSchedulingDelayGrows(TestKafka kafka, TestDatabase db) throws Exception {
    List<Batch> batches = run("bp_off", "off", kafka, db);
    List<Batch> late = after(batches, RUN_SECONDS / 2.0);
    long worst = late.stream().mapToLong(Batch::delayMs).max().orElseThrow();
    assertTrue(worst > 3 * INTERVAL_MS,
        "the same load without backpressure falls behind further and further, worst " + worst
            + " ms:\n" + table(batches));
  }

  private static List<Batch> run(String name, String backpressure, TestKafka kafka, TestDatabase db)
      throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic(name), PARTITIONS);
    JobUnderTest job = WorkloadJobs.job(name, PacedJob.class, kafka, topic, db)
        .set("batch.interval.ms", Long.toString(INTERVAL_MS))
        .set("batch.max.records.per.partition", "100000")
        .set("batch.max.in.flight", "2")
        .set("batch.backpressure", backpressure)
        .param("micros.per.record", "1000");
    ExecutorService producer = Executors.newSingleThreadExecutor();
    try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL);
        WorkloadProducer out = WorkloadProducer.connect(kafka.bootstrapServers(), topic, Workload.standard())) {
      double rate = RATE_PER_PARTITION * PARTITIONS;
      Future<Long> sent = producer.submit(() -> out.produceAtRate(0, (long) (rate * RUN_SECONDS), rate));
      sent.get(RUN_SECONDS + 30, TimeUnit.SECONDS);
      TimeUnit.SECONDS.sleep(2);
      assertTrue(engine.failure().isEmpty(), () -> engine.failure().get().toString());
    } finally {
      producer.shutdownNow();
    }
    return batches(job, db);
  }

  private static List<Batch> batches(JobUnderTest job, TestDatabase db) throws Exception {
    List<Batch> batches = new ArrayList<>();
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT b.batch_id,"
                    + " extract(epoch FROM b.planned_at - min(b.planned_at) OVER ()),"
                    + " b.offset_count,"
                    + " (extract(epoch FROM min(t.started_at) - b.planned_at) * 1000)::bigint,"
                    + " (extract(epoch FROM max(t.committed_at) - min(t.started_at)) * 1000)::bigint"
                    + " FROM onceflow.batches b JOIN onceflow.tasks t USING (job, batch_id)"
                    + " WHERE b.job = '" + job.name() + "' GROUP BY b.batch_id, b.planned_at, b.offset_count"
                    + " HAVING bool_and(t.state = 'committed') ORDER BY b.batch_id")) {
      while (rs.next()) {
        batches.add(new Batch(rs.getLong(1), rs.getDouble(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
      }
    }
    assertTrue(batches.size() >= 3, "some batches completed: " + batches);
    System.out.println("Batches of " + job.name() + ":\n" + table(batches)); // the measurement, for the record
    return batches;
  }

  private static List<Batch> after(List<Batch> batches, double seconds) {
    List<Batch> late = batches.stream().filter(b -> b.plannedAtS() >= seconds).toList();
    return late.isEmpty() ? batches.subList(batches.size() - 1, batches.size()) : late;
  }

  private static String table(List<Batch> batches) {
    StringBuilder b = new StringBuilder("  batch  planned_s  records  delay_ms  processing_ms\n");
    for (Batch x : batches) {
      b.append(String.format("  %5d  %9.1f  %7d  %8d  %13d%n", x.id(), x.plannedAtS(), x.records(), x.delayMs(), x.processingMs()));
    }
    return b.toString();
  }
}
