package io.onceflow.bench;

import io.onceflow.embedded.EmbeddedKafkaBroker;
import io.onceflow.examples.AggJob;
import io.onceflow.examples.AppendJob;
import io.onceflow.examples.GroundTruth;
import io.onceflow.examples.Verdict;
import io.onceflow.examples.Workload;
import io.onceflow.examples.WorkloadProducer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The benchmark of {@code ../shared/bench/WORKLOAD.md}, in one run: starts its own Kafka broker
 * (forked) and uses a fresh PostgreSQL database, loads {@code bench.events}, then measures the raw
 * Kafka read limit, the raw PostgreSQL write limits, a hand-written single-thread baseline, the
 * engine on AGG and APPEND (each run verified against ground truth), and end-to-end latency at a
 * fixed input rate. Prints a table and writes it into {@code BENCHMARKS.md}.
 *
 * <p>Started by {@code bench/run.sh}; see {@link Options} for the flags.
 */
public final class Benchmark {
  private static final int PARTITIONS = Workload.PARTITIONS;
  private static final String TOPIC = Workload.TOPIC;
  private static final String LATENCY_TOPIC = "bench.latency";

  private final Options o;
  private final List<Double> loads = new ArrayList<>();
  private final StringBuilder notes = new StringBuilder();
  private String bootstrap;
  private String url;
  private Path workDir;
  private EngineRunner runner;

  private Benchmark(Options options) {
    this.o = options;
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    System.exit(new Benchmark(options).run());
  }

  private int run() throws Exception {
    String started = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    String machine = Machine.describe();
    double loadAtStart = Machine.loadAverage1();
    say("Onceflow benchmark, " + started + "; " + machine + "; load average at start " + fmt2(loadAtStart));
    workDir = Files.createTempDirectory("onceflow-bench-");
    runner = new EngineRunner(workDir, o.engineHeap, o.jfr, o.jvmOptions);
    Results r = new Results();
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.start(workDir.resolve("kafka"), o.brokerProps);
        BenchDatabase db = BenchDatabase.create(o.postgresUrl)) {
      bootstrap = broker.bootstrapServers();
      url = db.url();
      say("Kafka " + bootstrap + " (forked broker, data in " + workDir + "), PostgreSQL " + db);
      load(TOPIC, o.records);
      long cap = EngineConfigs.cap(o.settings("append"));
      long aggCap = EngineConfigs.cap(o.settings("agg"));
      r.cap = cap;
      r.aggCap = aggCap;

      if (o.phase("raw")) {
        r.rawRead = measure("raw Kafka read", () -> {
          RawKafkaRead.Measurement m = RawKafkaRead.run(bootstrap, TOPIC);
          check(m.records() == o.records, "raw read saw " + m.records() + " records");
          return m.rate();
        });
        r.rawCopy = measure("raw PostgreSQL COPY (APPEND rows)", () -> {
          double s = RawPostgres.copy(url, "raw_copy", o.records, PARTITIONS, cap);
          RawPostgres.drop(url, "raw_copy");
          return o.records / s;
        });
        List<RawPostgres.Deltas> deltas = RawPostgres.aggDeltas(o.records, PARTITIONS, aggCap);
        r.aggKeys = RawPostgres.keys(deltas);
        r.aggStatements = deltas.size();
        r.rawAgg = measure("raw PostgreSQL AGG upserts", () -> {
          double s = RawPostgres.upserts(url, "raw_agg", deltas);
          try (Connection c = DriverManager.getConnection(url)) {
            Verdict v = GroundTruth.verifyAgg(c, "raw_agg", o.records);
            check(v.passed(), "raw AGG upserts: " + v.summary());
          }
          return o.records / s;
        });
      }
      if (o.phase("baseline")) {
        r.baseline = measure("baseline (1 thread, poll 10k, upsert + offsets)", () -> {
          double s = Baseline.run(bootstrap, TOPIC, url, "baseline_totals");
          try (Connection c = DriverManager.getConnection(url)) {
            Verdict v = GroundTruth.verifyAgg(c, "baseline_totals", o.records);
            check(v.passed(), "baseline: " + v.summary());
          }
          return o.records / s;
        });
      }
      if (o.phase("agg")) {
        r.agg = engine("agg", AggJob.class.getName(), Map.of());
      }
      if (o.phase("append")) {
        r.append = engine("append", AppendJob.class.getName(), Map.of());
      }
      if (o.phase("latency")) {
        double aggRate = r.agg != null ? r.agg.median() : o.latencyRate;
        if (aggRate > 0) {
          r.latency = latency(o.latencyRate > 0 ? o.latencyRate : aggRate / 2, "half");
        }
        if (o.latencyLowRate > 0) {
          r.latencyLow = latency(o.latencyLowRate, "low");
        }
      }
    } finally {
      r.loads = loads;
    }
    r.loadAtStart = loadAtStart;
    String table = Report.markdown(r, o, started, machine, notes.toString());
    System.out.println();
    System.out.println(table);
    Path out = workDir.resolve("results.md");
    Files.writeString(out, table);
    if (o.update != null) {
      Report.updateSection(o.update, table);
      say("Results written into " + o.update);
    }
    deleteQuietly(workDir.resolve("kafka"));
    return r.failed() ? 1 : 0;
  }

  // ---- load ------------------------------------------------------------------------------------

  private void load(String topic, long records) {
    createTopic(topic);
    long t0 = System.nanoTime();
    try (WorkloadProducer producer = WorkloadProducer.connect(bootstrap, topic, Workload.standard())) {
      producer.produce(0, records);
    }
    double s = (System.nanoTime() - t0) / 1e9;
    say(String.format(Locale.ROOT, "loaded %,d records into %s in %.1f s (%,.0f records/s)", records, topic, s, records / s));
  }

  private void createTopic(String topic) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topic " + topic, e);
    }
  }

  // ---- engine runs -----------------------------------------------------------------------------

  private Series engine(String kind, String jobClass, Map<String, String> extra) throws Exception {
    Series series = new Series("engine " + kind.toUpperCase(Locale.ROOT));
    for (int run = 1; run <= o.runs; run++) {
      String job = "bench_" + kind + "_" + run;
      String table = kind + "_sink_" + run;
      Map<String, String> config = EngineConfigs.engine(job, jobClass, table, TOPIC, bootstrap, url, o.settings(kind));
      config.putAll(extra);
      loads.add(Machine.loadAverage1());
      EngineRunner.Fork fork = runner.start(job, config, o.records);
      Properties p = fork.await();
      String error = p.getProperty("error");
      Verdict verdict = null;
      if (error == null) {
        try (Connection c = DriverManager.getConnection(url)) {
          verdict =
              kind.equals("agg")
                  ? GroundTruth.verifyAgg(c, table, o.records)
                  : GroundTruth.verifyAppend(c, table, o.records, PARTITIONS);
        }
      }
      List<EngineRunner.Task> tasks = EngineRunner.tasks(url, job);
      double[] taskMs = tasks.stream().mapToDouble(EngineRunner.Task::millis).toArray();
      double drain = Double.parseDouble(p.getProperty("drainSeconds", "NaN"));
      RunResult result =
          new RunResult(
              o.records / drain,
              drain,
              error != null ? error : verdict.passed() ? null : "verification failed: " + verdict.summary(),
              Stats.percentile(taskMs, 50),
              Stats.percentile(taskMs, 99),
              Long.parseLong(p.getProperty("peakHeapUsedBytes", "0")),
              Long.parseLong(p.getProperty("peakHeapAfterGcBytes", "0")),
              Long.parseLong(p.getProperty("maxHeapBytes", "0")),
              tasks.size(),
              EngineRunner.batches(url, job),
              Long.parseLong(p.getProperty("gcMillis", "0")),
              Double.parseDouble(p.getProperty("cpuSeconds", "NaN")) * 1e6 / o.records);
      series.add(result);
      say(String.format(Locale.ROOT,
          "%s run %d: %,.0f records/s (%.2f s drain), %d tasks in %d batches, task p50 %.0f ms p99 %.0f ms,"
              + " peak heap %d MiB of %d (%d after GC), GC %d ms, engine CPU %.2f µs/record: %s",
          series.name, run, result.rate(), drain, result.tasks(), result.batches(), result.taskP50(), result.taskP99(),
          result.peakHeap() >> 20, result.maxHeap() >> 20, result.peakHeapAfterGc() >> 20, result.gcMillis(), result.cpuMicrosPerRecord(),
          result.error() == null ? "PASS " + verdict.summary() : "FAIL " + result.error()));
      RawPostgres.drop(url, table);
    }
    return series;
  }

  // ---- latency ---------------------------------------------------------------------------------

  private Latency latency(double rate, String tag) throws Exception {
    String topic = LATENCY_TOPIC + "." + tag;
    String sink = "latency_" + tag;
    long records = (long) (rate * o.latencySeconds);
    say(String.format(Locale.ROOT, "latency (" + tag + "): %,.0f records/s for %d s (%,d records), batch.interval.ms=100",
        rate, o.latencySeconds, records));
    createTopic(topic);
    String job = "bench_latency_" + tag;
    Map<String, String> config =
        EngineConfigs.engine(job, AggJob.class.getName(), sink, topic, bootstrap, url, o.settings("agg"));
    config.put("batch.interval.ms", "100");
    loads.add(Machine.loadAverage1());
    EngineRunner.Fork fork = runner.start(job, config, records);
    fork.awaitStarted(60_000);
    EngineRunner.sleep(500); // the driver's first plan (of an empty topic) and the workers' first claims
    Latency l = new Latency();
    long t0 = System.nanoTime();
    l.produceStartMs = System.currentTimeMillis();
    try (WorkloadProducer producer = WorkloadProducer.connect(bootstrap, topic, Workload.standard())) {
      producer.produceAtRate(0, records, rate);
    }
    double produced = (System.nanoTime() - t0) / 1e9;
    Properties p = fork.await();
    l.targetRate = rate;
    l.achievedRate = records / produced;
    l.records = records;
    l.error = p.getProperty("error");
    if (l.error == null) {
      try (Connection c = DriverManager.getConnection(url)) {
        Verdict v = GroundTruth.verifyAgg(c, sink, records);
        if (!v.passed()) {
          l.error = "verification failed: " + v.summary();
        }
      }
    }
    List<EngineRunner.Task> tasks = EngineRunner.tasks(url, job);
    double[] taskMs = tasks.stream().mapToDouble(EngineRunner.Task::millis).toArray();
    l.taskP50 = Stats.percentile(taskMs, 50);
    l.taskP99 = Stats.percentile(taskMs, 99);
    l.tasks = tasks.size();
    l.batches = EngineRunner.batches(url, job);
    double[] sizes = tasks.stream().mapToDouble(t -> t.until() - t.from()).toArray();
    l.taskRecordsP50 = Stats.percentile(sizes, 50);
    l.taskRecordsMax = Stats.percentile(sizes, 100);
    l.peakHeap = Long.parseLong(p.getProperty("peakHeapUsedBytes", "0"));
    l.peakHeapAfterGc = Long.parseLong(p.getProperty("peakHeapAfterGcBytes", "0"));
    measureLatencies(topic, tasks, l);
    say(String.format(Locale.ROOT,
        "latency (" + tag + "): produced at %,.0f records/s; end-to-end p50 %d ms, p99 %d ms, max %d ms over %,d records"
            + " (first %d s excluded); %d tasks in %d batches, records per task p50 %.0f max %.0f;"
            + " task p50 %.0f ms p99 %.0f ms: %s",
        l.achievedRate, l.p50, l.p99, l.max, l.measured, o.latencyWarmupSeconds, l.tasks, l.batches,
        l.taskRecordsP50, l.taskRecordsMax, l.taskP50, l.taskP99,
        l.error == null ? "PASS" : "FAIL " + l.error));
    return l;
  }

  /**
   * Each record's latency is its task's commit time minus its Kafka timestamp (the producer's
   * send time): every record of a task is committed when the task is, so the approximation is exact
   * up to clock reading granularity.
   */
  private void measureLatencies(String topic, List<EngineRunner.Task> tasks, Latency l) {
    Map<Integer, List<EngineRunner.Task>> byPartition = new LinkedHashMap<>();
    for (EngineRunner.Task t : tasks) {
      byPartition.computeIfAbsent(t.partition(), k -> new ArrayList<>()).add(t);
    }
    byPartition.values().forEach(ts -> ts.sort(Comparator.comparingLong(EngineRunner.Task::from)));
    Stats.MillisHistogram h = new Stats.MillisHistogram(600_000);
    long warmupEnd = l.produceStartMs + o.latencyWarmupSeconds * 1000L;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(RawKafkaRead.consumerProperties(bootstrap, "bench-latency-read"),
            new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = RawKafkaRead.partitions(consumer, topic);
      Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      List<TopicPartition> open = new ArrayList<>(tps);
      long max = 0;
      long unmatched = 0;
      while (!open.isEmpty()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          EngineRunner.Task t = find(byPartition.get(r.partition()), r.offset());
          if (t == null) {
            unmatched++;
            continue;
          }
          if (r.timestamp() < warmupEnd) {
            continue;
          }
          long ms = Math.round(t.committedMs() - r.timestamp());
          h.add(ms);
          max = Math.max(max, ms);
        }
        open.removeIf(tp -> consumer.position(tp) >= ends.get(tp));
      }
      l.max = max;
      l.unmatched = unmatched;
    }
    l.p50 = h.percentile(50);
    l.p99 = h.percentile(99);
    l.measured = h.count();
  }

  private static EngineRunner.Task find(List<EngineRunner.Task> tasks, long offset) {
    if (tasks == null) {
      return null;
    }
    int lo = 0;
    int hi = tasks.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      EngineRunner.Task t = tasks.get(mid);
      if (offset < t.from()) {
        hi = mid - 1;
      } else if (offset >= t.until()) {
        lo = mid + 1;
      } else {
        return t;
      }
    }
    return null;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  @FunctionalInterface
  private interface Rate {
    double measure() throws Exception;
  }

  private Series measure(String name, Rate rate) throws Exception {
    Series s = new Series(name);
    for (int run = 1; run <= o.runs; run++) {
      loads.add(Machine.loadAverage1());
      double value;
      String error = null;
      try {
        value = rate.measure();
      } catch (BenchFailure e) {
        value = Double.NaN;
        error = e.getMessage();
      }
      s.add(new RunResult(value, o.records / value, error, Double.NaN, Double.NaN, 0, 0, 0, 0, 0, 0, Double.NaN));
      say(String.format(Locale.ROOT, "%s run %d: %,.0f records/s%s", name, run, value,
          error == null ? "" : " FAIL " + error));
    }
    return s;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new BenchFailure(message);
    }
  }

  static final class BenchFailure extends RuntimeException {
    BenchFailure(String message) {
      super(message);
    }
  }

  static void say(String line) {
    System.out.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + line);
  }

  private static String fmt2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp directory is harmless
    }
  }

  // ---- result types ----------------------------------------------------------------------------

  record RunResult(
      double rate,
      double seconds,
      String error,
      double taskP50,
      double taskP99,
      long peakHeap,
      long peakHeapAfterGc,
      long maxHeap,
      long tasks,
      long batches,
      long gcMillis,
      double cpuMicrosPerRecord) {}

  static final class Series {
    final String name;
    final List<RunResult> runs = new ArrayList<>();

    Series(String name) {
      this.name = name;
    }

    void add(RunResult r) {
      runs.add(r);
    }

    boolean failed() {
      return runs.stream().anyMatch(r -> r.error() != null);
    }

    /** Median over the runs that passed; NaN when none did. */
    double median() {
      return Stats.median(runs.stream().filter(r -> r.error() == null).mapToDouble(RunResult::rate).toArray());
    }

    double medianOf(java.util.function.ToDoubleFunction<RunResult> f) {
      return Stats.median(runs.stream().filter(r -> r.error() == null).mapToDouble(f).toArray());
    }

    long maxPeakHeap() {
      return runs.stream().mapToLong(RunResult::peakHeap).max().orElse(0);
    }

    long maxPeakHeapAfterGc() {
      return runs.stream().mapToLong(RunResult::peakHeapAfterGc).max().orElse(0);
    }
  }

  static final class Latency {
    double targetRate;
    double achievedRate;
    long records;
    long produceStartMs;
    String error;
    long p50;
    long p99;
    long max;
    long measured;
    long unmatched;
    double taskP50;
    double taskP99;
    long tasks;
    long batches;
    double taskRecordsP50;
    double taskRecordsMax;
    long peakHeap;
    long peakHeapAfterGc;
  }

  static final class Results {
    long cap;
    long aggCap;
    long aggKeys;
    long aggStatements;
    double loadAtStart;
    List<Double> loads = List.of();
    Series rawRead;
    Series rawCopy;
    Series rawAgg;
    Series baseline;
    Series agg;
    Series append;
    Latency latency;
    Latency latencyLow;

    boolean failed() {
      return Stream.of(rawRead, rawCopy, rawAgg, baseline, agg, append)
              .anyMatch(s -> s != null && s.failed())
          || (latency != null && latency.error != null)
          || (latencyLow != null && latencyLow.error != null);
    }
  }

  static String randomSuffix() {
    byte[] b = new byte[4];
    ThreadLocalRandom.current().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  static double[] doubles(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  static String join(double[] values) {
    return Arrays.toString(values);
  }

  /** The database the benchmark writes to: a fresh one it drops at the end, or the one given. */
  static final class BenchDatabase implements AutoCloseable {
    private final String adminUrl;
    private final String name;
    private final String url;

    private BenchDatabase(String adminUrl, String name, String url) {
      this.adminUrl = adminUrl;
      this.name = name;
      this.url = url;
    }

    static BenchDatabase create(String given) throws SQLException {
      if (given != null) {
        return new BenchDatabase(null, null, given);
      }
      String admin = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
      String name = "onceflow_bench_" + randomSuffix();
      try (Connection c = DriverManager.getConnection(admin);
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + name);
      }
      return new BenchDatabase(admin, name, "jdbc:postgresql://127.0.0.1:5432/" + name + "?user=postgres");
    }

    String url() {
      return url;
    }

    @Override
    public void close() throws SQLException {
      if (name != null) {
        try (Connection c = DriverManager.getConnection(adminUrl);
            Statement s = c.createStatement()) {
          s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
      }
    }

    @Override
    public String toString() {
      return name != null ? "database " + name + " (dropped at the end)" : "at ONCEFLOW_BENCH_POSTGRES_URL";
    }
  }
}
