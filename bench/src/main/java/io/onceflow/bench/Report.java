package io.onceflow.bench;

import io.onceflow.bench.Benchmark.Latency;
import io.onceflow.bench.Benchmark.Results;
import io.onceflow.bench.Benchmark.Series;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The results as Markdown, and the section of BENCHMARKS.md they replace. */
final class Report {
  static final String BEGIN = "<!-- bench:results:begin (written by bench/run.sh) -->";
  static final String END = "<!-- bench:results:end -->";

  private Report() {}

  static String markdown(Results r, Options o, String date, String machine, String notes) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "Run of %s on this machine: %s.%n%n", date, machine));
    b.append(String.format(Locale.ROOT,
        "Load average (1 min) at start %.2f; before each measurement %s.%n%n",
        r.loadAtStart, loads(r)));
    b.append("Command: `").append(o.command).append("`  \n");
    b.append(String.format(Locale.ROOT,
        "N = %,d records, %d runs per figure (median), engine JVM `-Xmx%s`; engine settings: AGG %s"
            + " (per-partition cap %,d), APPEND %s (per-partition cap %,d); everything else the"
            + " engine's defaults.%n%n",
        o.records, o.runs, o.engineHeap, describe(o.settings("agg")), r.aggCap,
        describe(o.settings("append")), r.cap));
    b.append("| measurement | records/s (median) | runs | vs smaller raw limit | vs baseline"
        + " | task time p50 / p99 | peak heap / after GC |\n");
    b.append("| --- | ---: | --- | ---: | ---: | ---: | ---: |\n");
    double read = median(r.rawRead);
    double copy = median(r.rawCopy);
    double aggPg = median(r.rawAgg);
    double base = median(r.baseline);
    row(b, "raw Kafka read (1 consumer, assign, discard)", r.rawRead, Double.NaN, Double.NaN);
    row(b, String.format(Locale.ROOT, "raw PostgreSQL COPY of the APPEND rows (%,d rows per COPY)", r.cap),
        r.rawCopy, Double.NaN, Double.NaN);
    row(b, String.format(Locale.ROOT, "raw PostgreSQL AGG upserts (%,d statements, %,d keys: %,.0f keys/s)",
        r.aggStatements, r.aggKeys, aggPg * r.aggKeys / o.records), r.rawAgg, Double.NaN, Double.NaN);
    row(b, "baseline: 1 thread, poll 10k → upsert + offsets", r.baseline, Math.min(read, aggPg), Double.NaN);
    row(b, "**engine AGG** (local mode)", r.agg, Math.min(read, aggPg), base);
    row(b, "**engine APPEND** (local mode)", r.append, Math.min(read, copy), base);
    Latency l = r.latency;
    for (Latency x : new Latency[] {r.latency, r.latencyLow}) {
      if (x != null) {
        b.append(String.format(Locale.ROOT,
            "| end-to-end latency, AGG at %,.0f records/s%s, batch.interval.ms=100 | p50 %d ms,"
                + " p99 %d ms | 1%s | | | %.0f / %.0f ms | %s |%n",
            x.achievedRate, x == r.latency ? " (½ of engine AGG)" : " (for comparison)", x.p50, x.p99,
            x.error == null ? "" : " (FAILED)", x.taskP50, x.taskP99, heap(x.peakHeap, x.peakHeapAfterGc)));
      }
    }
    b.append('\n');
    b.append("Targets (issue 6):\n\n");
    if (r.agg != null) {
      target(b, "AGG ≥ 60 % of the raw Kafka read", median(r.agg) / read, 0.60);
      target(b, "AGG ≥ 3× the baseline", median(r.agg) / base, 3.0);
    }
    if (r.append != null) {
      target(b, "APPEND ≥ 70 % of the raw COPY", median(r.append) / copy, 0.70);
      target(b, "APPEND ≥ 3× the baseline", median(r.append) / base, 3.0);
    }
    if (l != null) {
      b.append(String.format(Locale.ROOT, "- latency p99 ≤ 250 ms: %d ms — %s%n", l.p99,
          l.error == null && l.p99 >= 0 && l.p99 <= 250 ? "met" : "missed" + (l.error == null ? "" : " (" + l.error + ")")));
    }
    if (r.agg != null || r.append != null) {
      long heap = Math.max(r.agg == null ? 0 : r.agg.maxPeakHeap(), r.append == null ? 0 : r.append.maxPeakHeap());
      long afterGc =
          Math.max(r.agg == null ? 0 : r.agg.maxPeakHeapAfterGc(), r.append == null ? 0 : r.append.maxPeakHeapAfterGc());
      boolean passed = (r.agg == null || !r.agg.failed()) && (r.append == null || !r.append.failed());
      b.append(String.format(Locale.ROOT,
          "- drains N with -Xmx%s: %s (peak heap in use %s, garbage included; at most %s right after a GC)%n",
          o.engineHeap, passed ? "met" : "FAILED", mib(heap), mib(afterGc)));
    }
    b.append('\n');
    b.append("Every engine run:\n\n");
    b.append("| run | records/s | drain s | tasks | batches | task p50 / p99 ms | peak heap / after GC | GC ms | engine CPU µs/record | ground truth |\n");
    b.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (Series s : new Series[] {r.agg, r.append}) {
      if (s == null) {
        continue;
      }
      int i = 1;
      for (Benchmark.RunResult run : s.runs) {
        b.append(String.format(Locale.ROOT, "| %s #%d | %,.0f | %.2f | %d | %d | %.0f / %.0f | %s | %d | %.2f | %s |%n",
            s.name, i++, run.rate(), run.seconds(), run.tasks(), run.batches(), run.taskP50(), run.taskP99(),
            heap(run.peakHeap(), run.peakHeapAfterGc()), run.gcMillis(), run.cpuMicrosPerRecord(), run.error() == null ? "pass" : "FAIL: " + run.error()));
      }
    }
    b.append('\n');
    b.append("Raw figures per run: ");
    for (Series s : new Series[] {r.rawRead, r.rawCopy, r.rawAgg, r.baseline}) {
      if (s != null) {
        b.append(s.name).append(' ');
        b.append(s.runs.stream().map(x -> String.format(Locale.ROOT, "%,.0f", x.rate())).toList());
        b.append("; ");
      }
    }
    b.append('\n');
    for (Latency x : new Latency[] {r.latency, r.latencyLow}) {
      if (x == null) {
        continue;
      }
      l = x;
      b.append(String.format(Locale.ROOT,
          "%nLatency: %,d records produced at a fixed rate (target %,.0f/s, achieved %,.0f/s) into a fresh"
              + " topic while the engine ran; each record's latency is its task's `committed_at` (ledger,"
              + " database clock) minus the record's Kafka timestamp (producer send time, same host clock):"
              + " every record of a task is committed by the task's transaction, so a record's commit time"
              + " is its task's. The first %d s are left out (JIT warm-up); %,d records measured, p50 %d ms,"
              + " p99 %d ms, max %d ms; %d tasks in %d batches, records per task p50 %,.0f, max %,.0f%s.%n",
          l.records, l.targetRate, l.achievedRate, o.latencyWarmupSeconds, l.measured, l.p50, l.p99, l.max,
          l.tasks, l.batches, l.taskRecordsP50, l.taskRecordsMax, l.error == null ? "" : "; FAILED: " + l.error));
    }
    b.append(
        "\nRecords/s of the engine = N / time from Engine.start() returning to the ledger's committed"
            + " offsets reaching N (engine JVM forked, JIT cold). Task time = the ledger's"
            + " `started_at` (claim) → `committed_at`: read + process + commit of one task. Peak heap"
            + " = the highest heap-in-use sample (every 5 ms, garbage included) of the engine JVM;"
            + " after GC = the highest heap in use right after a collection (what the engine keeps).\n");
    if (!notes.isEmpty()) {
      b.append('\n').append(notes);
    }
    return b.toString();
  }

  private static String describe(java.util.Map<String, String> settings) {
    return settings.isEmpty() ? "defaults" : "`" + settings + "`";
  }

  private static String loads(Results r) {
    StringBuilder s = new StringBuilder();
    for (double v : r.loads) {
      if (s.length() > 0) {
        s.append(", ");
      }
      s.append(String.format(Locale.ROOT, "%.2f", v));
    }
    return s.toString();
  }

  private static void target(StringBuilder b, String what, double ratio, double goal) {
    boolean percent = goal < 1.5;
    b.append(String.format(Locale.ROOT, "- %s: %s — %s%n", what,
        percent ? String.format(Locale.ROOT, "%.0f %%", ratio * 100) : String.format(Locale.ROOT, "%.1f×", ratio),
        Double.isNaN(ratio) ? "not measured" : ratio >= goal ? "met" : "missed"));
  }

  private static void row(StringBuilder b, String name, Series s, double limit, double baseline) {
    if (s == null) {
      return;
    }
    double m = median(s);
    b.append(String.format(Locale.ROOT, "| %s | %,.0f | %s | %s | %s | %s | %s |%n",
        name, m,
        s.runs.size() + (s.failed() ? " (" + s.runs.stream().filter(x -> x.error() != null).count() + " FAILED)" : ""),
        Double.isNaN(limit) ? "" : String.format(Locale.ROOT, "%.0f %%", 100 * m / limit),
        Double.isNaN(baseline) ? "" : String.format(Locale.ROOT, "%.1f×", m / baseline),
        Double.isNaN(s.medianOf(Benchmark.RunResult::taskP50)) ? ""
            : String.format(Locale.ROOT, "%.0f / %.0f ms", s.medianOf(Benchmark.RunResult::taskP50),
                s.medianOf(Benchmark.RunResult::taskP99)),
        s.maxPeakHeap() == 0 ? "" : heap(s.maxPeakHeap(), s.maxPeakHeapAfterGc())));
  }

  private static double median(Series s) {
    return s == null ? Double.NaN : s.median();
  }

  private static String mib(long bytes) {
    return (bytes >> 20) + " MiB";
  }

  /** The sampled peak in use (garbage included) and the peak right after a collection. */
  private static String heap(long peak, long afterGc) {
    return (peak >> 20) + " / " + (afterGc >> 20) + " MiB";
  }

  /** Replaces the results section of {@code file} (between the markers), or appends one. */
  static void updateSection(Path file, String table) throws IOException {
    String body = BEGIN + "\n" + table.strip() + "\n" + END;
    String text = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n\n";
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin >= 0 && end > begin) {
      text = text.substring(0, begin) + body + text.substring(end + END.length());
    } else {
      text = text.stripTrailing() + "\n\n" + body + "\n";
    }
    Files.writeString(file, text);
  }
}
