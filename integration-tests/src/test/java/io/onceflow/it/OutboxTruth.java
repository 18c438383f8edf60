package io.onceflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.onceflow.examples.AggTotals;
import io.onceflow.testkit.TestKafka;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Ground truth for {@code AggEventsJob}'s output topic, read as a user reads it ({@code
 * isolation.level=read_committed}) and checked against the AGG totals computed from the workload's
 * formula, independently of the engine:
 *
 * <ul>
 *   <li>every user's change events form one chain in the order they were read: each event's totals
 *       are the previous event's plus its delta (the first one's are its delta), so an event lost
 *       or applied twice breaks the chain;
 *   <li>no task's event for a user appears twice ({@code (user, source, from)} is unique);
 *   <li>per output partition, one source partition's events come in task order ({@code from} never
 *       goes back);
 *   <li>each user's last totals equal the formula's; no other user appears.
 * </ul>
 */
final class OutboxTruth {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OutboxTruth() {}

  /** One change event as read. */
  record Change(int partition, long offset, String user, long events, long amount,
      long totalEvents, long totalAmount, String source, long from) {}

  /** Waits until the topic holds exactly the expected chains; fails with the problems found. */
  static List<Change> awaitExactlyOnce(TestKafka kafka, String topic, AggTotals expected,
      Duration timeout, Supplier<String> state) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> problems;
    List<Change> changes;
    do {
      changes = read(kafka, topic);
      problems = problems(changes, expected);
      if (problems.isEmpty()) {
        return changes;
      }
      if (problems.stream().anyMatch(p -> p.startsWith("WRONG"))) {
        break; // a duplicate or a broken chain does not heal
      }
      TimeUnit.MILLISECONDS.sleep(500);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(problems.size() + " problem(s) on output topic " + topic + " ("
        + changes.size() + " events read), first: " + problems.subList(0, Math.min(10, problems.size()))
        + "\n" + state.get());
  }

  /** Everything the topic holds now, read_committed, in offset order per partition. */
  static List<Change> read(TestKafka kafka, String topic) throws IOException {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", kafka.bootstrapServers());
    p.setProperty("isolation.level", "read_committed");
    p.setProperty("enable.auto.commit", "false");
    p.setProperty("max.poll.records", "5000");
    List<Change> changes = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          JsonNode n = JSON.readTree(r.value());
          if (!n.path("user").asText().equals(r.key())) {
            throw new AssertionError("event key " + r.key() + " is not its user: " + r.value());
          }
          changes.add(new Change(r.partition(), r.offset(), r.key(), n.get("events").asLong(),
              n.get("amount").asLong(), n.get("total_events").asLong(),
              n.get("total_amount").asLong(), n.get("source").asText(), n.get("from").asLong()));
        }
      }
    }
    changes.sort(java.util.Comparator.comparingInt(Change::partition).thenComparingLong(Change::offset));
    return changes;
  }

  /** What is wrong ("WRONG …": never heals) or missing ("MISSING …": may yet arrive). */
  static List<String> problems(List<Change> changes, AggTotals expected) {
    List<String> problems = new ArrayList<>();
    Map<String, Change> lastOfUser = new HashMap<>();
    Map<String, Long> lastFrom = new HashMap<>(); // output partition + source -> from
    Set<String> tasks = new HashSet<>();
    for (Change c : changes) {
      if (!tasks.add(c.user() + "|" + c.source() + "|" + c.from())) {
        problems.add("WRONG duplicate event of " + c.user() + " for the task of " + c.source()
            + " from " + c.from() + " at " + c.partition() + "@" + c.offset());
      }
      Long previousFrom = lastFrom.put(c.partition() + "|" + c.source(), c.from());
      if (previousFrom != null && previousFrom > c.from()) {
        problems.add("WRONG order: at " + c.partition() + "@" + c.offset() + " an event of task "
            + c.source() + " from " + c.from() + " after one from " + previousFrom);
      }
      Change previous = lastOfUser.put(c.user(), c);
      long baseEvents = previous == null ? 0 : previous.totalEvents();
      long baseAmount = previous == null ? 0 : previous.totalAmount();
      if (c.totalEvents() != baseEvents + c.events() || c.totalAmount() != baseAmount + c.amount()) {
        problems.add("WRONG chain of " + c.user() + " at " + c.partition() + "@" + c.offset()
            + ": totals " + c.totalEvents() + "/" + c.totalAmount() + " after " + baseEvents + "/"
            + baseAmount + " plus " + c.events() + "/" + c.amount());
      }
    }
    for (int u = 0; u < expected.userSlots(); u++) {
      String user = "u" + u;
      Change last = lastOfUser.remove(user);
      long events = expected.events(u);
      if (events == 0) {
        if (last != null) {
          problems.add("WRONG user " + user + " has events but should have none");
        }
      } else if (last == null) {
        problems.add("MISSING every event of " + user);
      } else if (last.totalEvents() != events || last.totalAmount() != expected.amount(u)) {
        problems.add((last.totalEvents() > events ? "WRONG " : "MISSING ") + user + " ends at "
            + last.totalEvents() + "/" + last.totalAmount() + ", expected " + events + "/"
            + expected.amount(u));
      }
    }
    lastOfUser.keySet().forEach(u -> problems.add("WRONG unexpected user " + u));
    return problems;
  }
}
