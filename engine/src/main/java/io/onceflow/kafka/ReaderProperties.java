package io.onceflow.kafka;

import java.util.Properties;

/**
 * The consumer settings the engine needs on top of the user's (already validated by the config:
 * no auto-commit, read_committed). Fetch sizes favour draining a backlog in large tasks; a
 * user's explicit setting wins.
 */
final class ReaderProperties {
  private ReaderProperties() {}

  static Properties forWorker(Properties user, String clientId) {
    Properties p = base(user);
    p.putIfAbsent("client.id", clientId);
    // A worker reads one partition at a time up to a known offset. A poll that passes `until`
    // decodes records only to drop them, and a fetch beyond it is thrown away when the thread's
    // next task is another partition: 2,000 records per poll and 2 MiB per fetch keep that waste
    // and the fetch buffers small (16 MiB fetches cost ~50 MiB of peak heap in a -Xmx512m bench
    // run), at no measurable cost in speed (bench/run.sh, BENCHMARKS.md).
    p.putIfAbsent("max.poll.records", "2000");
    p.putIfAbsent("fetch.max.bytes", String.valueOf(16 * 1024 * 1024));
    p.putIfAbsent("max.partition.fetch.bytes", String.valueOf(2 * 1024 * 1024));
    p.putIfAbsent("receive.buffer.bytes", String.valueOf(1024 * 1024));
    // A task reads up to a known offset; once there, a fetch left parked at the broker for the
    // default 500 ms would delay the thread's next task by that much.
    p.putIfAbsent("fetch.max.wait.ms", "20");
    return p;
  }

  static Properties forDriver(Properties user) {
    Properties p = base(user);
    p.putIfAbsent("client.id", "onceflow-driver");
    return p;
  }

  private static Properties base(Properties user) {
    Properties p = new Properties();
    p.putAll(user);
    // Ranges are read with assign + seek; no group, no committed offsets in Kafka.
    p.remove("group.id");
    p.setProperty("enable.auto.commit", "false");
    p.setProperty("isolation.level", "read_committed");
    // A range whose records were deleted must fail loudly, never jump silently.
    p.setProperty("auto.offset.reset", "none");
    return p;
  }
}
