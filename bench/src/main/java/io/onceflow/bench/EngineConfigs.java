package io.onceflow.bench;

import io.onceflow.config.OnceflowConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The engine configuration of a benchmark run: only what names the job, its source and its sink;
 * every tuning key keeps the engine's default unless {@code --set key=value} overrides it, so the
 * figures are those of the defaults a user gets.
 */
final class EngineConfigs {
  private EngineConfigs() {}

  static Map<String, String> engine(
      String job,
      String jobClass,
      String table,
      String topic,
      String bootstrap,
      String url,
      Map<String, String> overrides) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("job.name", job);
    c.put("job.class", jobClass);
    c.put("job.param.table", table);
    c.put("source.topics", topic);
    c.put("source.starting", "earliest");
    c.put("value.format", "bytes");
    c.put("kafka.bootstrap.servers", bootstrap);
    c.put("postgres.url", url);
    c.putAll(overrides);
    return c;
  }

  /** The per-partition cap the engine will use with these overrides (its default otherwise). */
  static long cap(Map<String, String> overrides) {
    Map<String, String> c =
        engine("cap-probe", "x.Y", "t", "t", "127.0.0.1:9092", "jdbc:postgresql://x/y", overrides);
    return OnceflowConfig.fromMap(c).maxRecordsPerPartition();
  }
}
