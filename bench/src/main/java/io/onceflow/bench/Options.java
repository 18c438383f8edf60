package io.onceflow.bench;

import io.onceflow.examples.Workload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark's flags.
 *
 * <pre>
 * --records N            records to load and drain (default 5,000,000, WORKLOAD.md's N)
 * --runs R               runs per measurement; throughput is the median (default 3)
 * --only a,b             phases to run: raw, baseline, agg, append, latency (default all)
 * --set key=value        an engine configuration override for every engine run (repeatable)
 * --agg-set key=value    an override for the AGG runs (and the latency runs, which are AGG)
 *                        only; default batch.max.records.per.partition=250000, see below
 * --append-set key=value an override for the APPEND runs only; default
 *                        batch.max.records.per.partition=250000, see below
 * --heap SIZE            -Xmx/-Xms of the engine JVM (default 512m)
 * --jfr                  record a JFR profile of every engine run (in the work directory)
 * --jvm-opt OPT          an extra option for the engine JVM (repeatable)
 * --latency-seconds S    how long the latency run produces (default 15)
 * --latency-warmup S     seconds at its start left out of the percentiles (default 3)
 * --latency-rate R       fixed input rate; default half the median engine AGG throughput
 * --latency-low-rate R   a second latency point at this rate, for comparison (default 20,000;
 *                        0 skips it)
 * --postgres-url URL     use this database instead of creating one (or ONCEFLOW_BENCH_POSTGRES_URL)
 * --update FILE          write the results section of FILE (e.g. BENCHMARKS.md)
 * --command TEXT         the command line to print in the report
 * --broker-prop k=v      an extra broker property (repeatable)
 * </pre>
 *
 * <p>Both jobs use a per-partition cap of 250,000 records instead of the engine's default
 * 100,000. The cap is a per-job setting; the default is sized for records of any size (a record
 * count cannot know their bytes), while these records are ~100 bytes. An aggregating job's database
 * work shrinks as its tasks grow (a task touches each of a partition's ~12,500 users once however
 * many records it holds); an appending job pays fewer commits and larger COPYs. A worker holds a
 * task's records compactly (~35 bytes plus the record's bytes), so 250,000 records of 100 bytes
 * cost ~35 MiB per worker thread. Every batch is still bounded (5,000,000 records drain in 3
 * batches). The raw PostgreSQL limits are measured at the same task sizes. {@code --agg-set
 * batch.max.records.per.partition=100000} (or {@code --append-set ...}) measures the default.
 */
final class Options {
  long records = Workload.RECORDS;
  int runs = 3;
  Set<String> only = new LinkedHashSet<>(List.of("raw", "baseline", "agg", "append", "latency"));
  Map<String, String> engineSettings = new LinkedHashMap<>();
  Map<String, String> aggSettings =
      new LinkedHashMap<>(Map.of("batch.max.records.per.partition", "250000"));
  Map<String, String> appendSettings =
      new LinkedHashMap<>(Map.of("batch.max.records.per.partition", "250000"));
  String engineHeap = "512m";
  boolean jfr;
  List<String> jvmOptions = new ArrayList<>();
  int latencySeconds = 15;
  int latencyWarmupSeconds = 3;
  double latencyRate;
  double latencyLowRate = 20_000;
  String postgresUrl = System.getenv("ONCEFLOW_BENCH_POSTGRES_URL");
  Path update;
  String command = "bench/run.sh";
  Map<String, String> brokerProps = new LinkedHashMap<>();

  /** The overrides of one job kind ("agg" or "append"): --set, then the kind's own. */
  Map<String, String> settings(String kind) {
    Map<String, String> m = new LinkedHashMap<>(engineSettings);
    m.putAll(kind.equals("agg") ? aggSettings : appendSettings);
    return m;
  }

  boolean phase(String name) {
    return only.contains(name);
  }

  static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--records" -> o.records = Long.parseLong(need(a, v).replace("_", ""));
        case "--runs" -> o.runs = Integer.parseInt(need(a, v));
        case "--only" -> o.only = new LinkedHashSet<>(List.of(need(a, v).split(",")));
        case "--set" -> put(o.engineSettings, a, need(a, v));
        case "--agg-set" -> put(o.aggSettings, a, need(a, v));
        case "--append-set" -> put(o.appendSettings, a, need(a, v));
        case "--heap" -> o.engineHeap = need(a, v);
        case "--jfr" -> {
          o.jfr = true;
          continue;
        }
        case "--jvm-opt" -> o.jvmOptions.add(need(a, v));
        case "--latency-seconds" -> o.latencySeconds = Integer.parseInt(need(a, v));
        case "--latency-warmup" -> o.latencyWarmupSeconds = Integer.parseInt(need(a, v));
        case "--latency-rate" -> o.latencyRate = Double.parseDouble(need(a, v));
        case "--latency-low-rate" -> o.latencyLowRate = Double.parseDouble(need(a, v));
        case "--postgres-url" -> o.postgresUrl = need(a, v);
        case "--update" -> o.update = Path.of(need(a, v));
        case "--command" -> o.command = need(a, v);
        case "--broker-prop" -> put(o.brokerProps, a, need(a, v));
        default -> throw new IllegalArgumentException("unknown flag " + a + " (see Options.java)");
      }
      i++;
    }
    if (o.records < 1 || o.runs < 1) {
      throw new IllegalArgumentException("--records and --runs must be >= 1");
    }
    return o;
  }

  private static String need(String flag, String value) {
    if (value == null) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return value;
  }

  private static void put(Map<String, String> map, String flag, String kv) {
    int eq = kv.indexOf('=');
    if (eq < 1) {
      throw new IllegalArgumentException(flag + " needs key=value, got " + kv);
    }
    map.put(kv.substring(0, eq), kv.substring(eq + 1));
  }
}
