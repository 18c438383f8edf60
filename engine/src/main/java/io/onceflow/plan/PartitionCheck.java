package io.onceflow.plan;

import io.onceflow.ledger.PartitionHalts.Halt;
import io.onceflow.ledger.PartitionHalts.Kind;
import io.onceflow.ledger.PartitionId;
import io.onceflow.ledger.PartitionPosition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, before each plan, whether each partition's log is still the one its committed offset
 * points into. Pure logic over what the ledger recorded and what Kafka says now.
 *
 * <ul>
 *   <li>A changed topic ID halts at once: Kafka never reuses an ID, so no stale answer produces
 *       one. Partitions of the new topic that the ledger has not seen halt with it: the topic as
 *       a whole is an operator's decision.
 *   <li>A topic or partition Kafka does not know, or a log that ends below the committed or
 *       planned offset, halts once it has been seen so for {@link #CONFIRM_MS} without a break:
 *       a broker that restarts, or metadata that lags, must not halt a partition an operator
 *       would then have to reset. Until then, the partition is only left out of the plans.
 * </ul>
 *
 * <p>Not thread-safe: the driver thread's, like the suspicions it remembers between plans.
 */
final class PartitionCheck {
  /** How long a missing partition or a shrunken log is seen before it halts. */
  static final long CONFIRM_MS = 5_000;

  private final String job;
  private final Map<PartitionId, Long> suspectSinceMs = new HashMap<>();

  PartitionCheck(String job) {
    this.job = job;
  }

  /**
   * @param halts partitions to halt in this plan's transaction
   * @param topicIds topic IDs to record (partitions new to the ledger, or recorded without one)
   * @param leftOut partitions not to plan this time: halted, or under suspicion
   */
  record Verdict(List<Halt> halts, Map<PartitionId, String> topicIds, Set<PartitionId> leftOut) {}

  /**
   * @param known every partition of the ledger
   * @param fresh partitions Kafka has and the ledger does not (recorded in this plan)
   * @param currentIds the ID of each topic Kafka knows now; a topic absent does not exist
   * @param ends the last stable offset of each partition Kafka has and the job reads
   */
  Verdict check(
      Map<PartitionId, PartitionPosition> known,
      Collection<PartitionId> fresh,
      Map<String, String> currentIds,
      Map<PartitionId, Long> ends,
      long nowMs) {
    List<Halt> halts = new ArrayList<>();
    Map<PartitionId, String> topicIds = new HashMap<>();
    Set<PartitionId> leftOut = new HashSet<>();
    Set<String> recreated = new HashSet<>();
    for (PartitionPosition p : known.values()) {
      PartitionId id = p.partition();
      if (p.halted()) {
        leftOut.add(id);
        suspectSinceMs.remove(id);
        continue;
      }
      String current = currentIds.get(id.topic());
      if (current != null && p.topicId() != null && !current.equals(p.topicId())) {
        halts.add(recreated(id, p, current));
        recreated.add(id.topic());
        leftOut.add(id);
        suspectSinceMs.remove(id);
        continue;
      }
      Halt suspected = suspicion(p, current, ends.get(id));
      if (suspected == null) {
        suspectSinceMs.remove(id);
        if (p.topicId() == null && current != null) {
          topicIds.put(id, current);
        }
        continue;
      }
      leftOut.add(id);
      long since = suspectSinceMs.computeIfAbsent(id, k -> nowMs);
      if (nowMs - since >= CONFIRM_MS) {
        halts.add(suspected);
        suspectSinceMs.remove(id);
      }
    }
    for (PartitionId id : fresh) {
      String current = currentIds.get(id.topic());
      if (current != null) {
        topicIds.put(id, current);
      }
      if (recreated.contains(id.topic())) {
        halts.add(
            new Halt(id, Kind.RECREATED,
                "Partition " + id + " halted: it belongs to topic " + id.topic() + ", which was"
                    + " deleted and created again; it halts with the topic's other partitions."
                    + " Stop the job, then " + resetCommand(id.topic())));
        leftOut.add(id);
      }
    }
    return new Verdict(halts, topicIds, leftOut);
  }

  private Halt recreated(PartitionId id, PartitionPosition p, String current) {
    return new Halt(id, Kind.RECREATED,
        "Partition " + id + " halted: topic " + id.topic() + " was deleted and created again"
            + " (topic ID was " + p.topicId() + ", is now " + current + "), so committed offset "
            + p.committedUntil() + " points into another log. Nothing of it is planned or"
            + " committed until an operator decides. Stop the job, then " + resetCommand(id.topic()));
  }

  /** What is wrong with a partition whose topic ID did not change, or null when nothing is. */
  private Halt suspicion(PartitionPosition p, String currentId, Long end) {
    PartitionId id = p.partition();
    if (currentId == null) {
      return new Halt(id, Kind.DELETED,
          "Partition " + id + " halted: topic " + id.topic() + " no longer exists in Kafka (seen"
              + " missing for " + CONFIRM_MS / 1000 + " s); its planned ranges are retired,"
              + " committed up to " + p.committedUntil() + ". If the topic comes back, stop the"
              + " job, then " + resetCommand(id.topic()));
    }
    if (end == null) {
      return new Halt(id, Kind.DELETED,
          "Partition " + id + " halted: topic " + id.topic() + " exists but Kafka no longer has"
              + " partition " + id.partition() + "; its planned ranges are retired, committed up"
              + " to " + p.committedUntil() + ". Stop the job, then " + resetCommand(id.topic()));
    }
    if (end < p.committedUntil() || end < p.plannedUntil()) {
      boolean belowCommitted = end < p.committedUntil();
      return new Halt(id, Kind.TRUNCATED,
          "Partition " + id + " halted: its log now ends at " + end + ", below its "
              + (belowCommitted ? "committed offset " + p.committedUntil() : "planned offset "
                  + p.plannedUntil() + " (committed " + p.committedUntil() + ")")
              + " (an unclean leader election truncated it, or it was replaced). Records the job"
              + " has not read may be gone. Stop the job, check what the sink holds, then "
              + resetCommand(id.topic()));
    }
    return null;
  }

  private String resetCommand(String topic) {
    return "`onceflow offsets reset -c <job config> --topic " + topic + " --to earliest --execute`"
        + " (or --to latest, or an offset) moves job '" + job + "' on.";
  }
}
