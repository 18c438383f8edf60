package io.onceflow.app.demo;

import io.onceflow.api.OnceflowException;
import io.onceflow.examples.Workload;
import io.onceflow.examples.WorkloadProducer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The demo's input: topic {@link #NAME} on the fresh broker, filled with the first records of the
 * AGG workload of WORKLOAD.md, in index order by one idempotent producer (the layout the ground
 * truth assumes).
 */
final class DemoTopic {
  static final String NAME = "demo.events";
  private static final long ADMIN_TIMEOUT_MS = 30_000;

  private DemoTopic() {}

  /** Creates the topic with {@code partitions} partitions (replication factor 1: one broker). */
  static void create(String bootstrapServers, int partitions) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      admin
          .createTopics(List.of(new NewTopic(NAME, partitions, (short) 1)))
          .all()
          .get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new OnceflowException(
          "Cannot create topic " + NAME + " on " + bootstrapServers + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OnceflowException("Interrupted while creating topic " + NAME, e);
    }
  }

  /** Sends records {@code [0, records)} of {@code workload} and waits until all are acknowledged. */
  static void fill(String bootstrapServers, Workload workload, long records) {
    try (WorkloadProducer producer =
        WorkloadProducer.connect(bootstrapServers, NAME, workload)) {
      producer.produce(0, records);
    }
  }
}
