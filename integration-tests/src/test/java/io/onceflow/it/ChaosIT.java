package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.api.Job;
import io.onceflow.examples.AggEventsJob;
import io.onceflow.examples.AggJob;
import io.onceflow.examples.AppendJob;
import io.onceflow.examples.GroundTruth;
import io.onceflow.examples.Verdict;
import io.onceflow.examples.Workload;
import io.onceflow.examples.WorkloadProducer;
import io.onceflow.testkit.JobProcess;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.TestKafka;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos proof: 1 driver and 2 workers as separate JVMs on the AGG and the APPEND workloads,
 * with about 0.1 % malformed records, while records keep arriving: a random one of them is killed
 * with {@code kill -9} at random moments (and started again), the Kafka broker is restarted once
 * and PostgreSQL is restarted once. At the end the sink equals ground truth computed from the
 * formula, the dead-letter table holds exactly the malformed records, and the ledger keeps I1–I4.
 *
 * <p>The servers restarted are the test's own: a private broker and an embedded PostgreSQL.
 * Randomness is seeded; the seed is printed ({@code CHAOS-SEED}) and can be set with {@code
 * -Donceflow.chaos.seed=…} to replay a run. By default a small variant runs (100,000 records, 4
 * kills); {@code -Donceflow.chaos.full=true} (or {@code -Pchaos}) runs the full one (1,000,000
 * records, 12 kills).
 */
class ChaosIT {
  private static final boolean FULL = Boolean.getBoolean("onceflow.chaos.full");
  private static final long RECORDS = Long.getLong("onceflow.chaos.records", FULL ? 1_000_000 : 100_000);
  private static final int KILLS = Integer.getInteger("onceflow.chaos.kills", FULL ? 12 : 4);
  private static final long PRODUCE_SECONDS = FULL ? 150 : 30;
  private static final int PARTITIONS = 4;
  private static final Duration READY = Duration.ofSeconds(90);

  @TempDir Path dir;

  @Test
  void aggSurvivesKillsAndServerRestartsExactlyOnce() throws Exception {
    chaos("chaos_agg", AggJob.class, "user_totals");
  }

  @Test
  void appendSurvivesKillsAndServerRestartsExactlyOnce() throws Exception {
    chaos("chaos_append", AppendJob.class, "events");
  }

  /** Kafka out as well: the change events on the output topic are checked too (OutboxTruth). */
  @Test
  void outboxSurvivesKillsAndServerRestartsExactlyOnce() throws Exception {
    chaos("chaos_outbox", AggEventsJob.class, "user_totals");
  }

  private void chaos(String name, Class<? extends Job<?>> jobClass, String table) throws Exception {
    long seed = Long.getLong("onceflow.chaos.seed", System.nanoTime());
    Random random = new Random(seed);
    log("CHAOS-SEED " + seed + " (" + name + ": " + RECORDS + " records, " + KILLS
        + " kills; replay with -Donceflow.chaos.seed=" + seed + ")");
    Workload workload = Workload.standard().withUsers(10_000).withMalformed(0.001, seed);
    long started = System.nanoTime();
    try (TestKafka kafka = TestKafka.startPrivate();
        OwnPostgres pg = OwnPostgres.start()) {
      String topic = kafka.createTopic(TestKafka.uniqueTopic(name), PARTITIONS);
      String output = jobClass == AggEventsJob.class
          ? kafka.createTopic(TestKafka.uniqueTopic(name + "-out"), 3)
          : null;
      JobUnderTest job = WorkloadJobs.job(name, jobClass, kafka, topic, pg.jdbcUrl())
          .param(AggEventsJob.OUTPUT_TOPIC_PARAM, output == null ? "unused" : output)
          .set("batch.max.records.per.partition", FULL ? "10000" : "2000")
          .set("worker.lease.ms", "3000")
          .set("driver.standby.poll.ms", "500")
          .set("worker.shutdown.grace.ms", "2000");
      Path config = job.writeConfig(dir);
      String[] roles = {"driver", "worker", "worker"};
      JobProcess[] processes = new JobProcess[roles.length];
      CompletableFuture<Long> producing = null;
      try {
        for (int i = 0; i < roles.length; i++) {
          processes[i] = OnceflowCommand.start(roles[i] + "-" + i, roles[i], config, Map.of());
        }
        for (int i = 0; i < roles.length; i++) {
          awaitReady(processes[i], roles[i]);
        }
        double rate = (double) RECORDS / PRODUCE_SECONDS;
        producing = CompletableFuture.supplyAsync(() -> produce(kafka, topic, workload, rate));

        List<String> events = new ArrayList<>();
        for (int k = 0; k < KILLS; k++) {
          events.add("kill");
        }
        events.add("kafka");
        events.add("postgres");
        Collections.shuffle(events, random);
        long gapMs = PRODUCE_SECONDS * 1000 / (events.size() + 1);
        int kills = 0;
        for (String event : events) {
          TimeUnit.MILLISECONDS.sleep(gapMs / 2 + (long) (random.nextDouble() * gapMs));
          assertAllAlive(processes, roles); // only the test may kill them
          switch (event) {
            case "kill" -> {
              int victim = random.nextInt(roles.length);
              processes[victim].kill9();
              kills++;
              log("CHAOS-KILL " + kills + " " + roles[victim] + "-" + victim + " at " + elapsed(started));
              TimeUnit.MILLISECONDS.sleep(random.nextInt(1_000));
              processes[victim] = startReady(roles[victim] + "-" + victim + "-r" + kills, roles[victim], config);
            }
            case "kafka" -> {
              log("CHAOS-KAFKA-STOP at " + elapsed(started));
              kafka.stop();
              TimeUnit.MILLISECONDS.sleep(2_000 + random.nextInt(3_000));
              kafka.restart();
              log("CHAOS-KAFKA-RESTARTED at " + elapsed(started));
            }
            default -> {
              log("CHAOS-POSTGRES-STOP at " + elapsed(started));
              pg.stop();
              TimeUnit.MILLISECONDS.sleep(2_000 + random.nextInt(3_000));
              pg.startAgain();
              log("CHAOS-POSTGRES-RESTARTED at " + elapsed(started));
            }
          }
        }
        assertEquals(RECORDS, producing.get(10, TimeUnit.MINUTES));
        JobProcess[] last = processes;
        job.awaitCommitted(RECORDS, Duration.ofMinutes(FULL ? 20 : 6), () -> tails(last));
        if (output != null) {
          OutboxTruth.awaitExactlyOnce(kafka, output, GroundTruth.aggTotals(RECORDS, workload),
              Duration.ofMinutes(FULL ? 10 : 3), () -> tails(last));
        }
        log("CHAOS-DONE " + name + " seed " + seed + ": " + kills + " kills, 1 Kafka restart, 1 PostgreSQL"
            + " restart, " + RECORDS + " records in " + elapsed(started));
        for (int i = 0; i < processes.length; i++) {
          assertTrue(processes[i].isAlive(), roles[i] + " died on its own:\n" + processes[i].tail());
          assertEquals(0, processes[i].terminate(Duration.ofSeconds(60)), processes[i].tail());
        }
      } finally {
        for (JobProcess p : processes) {
          if (p != null) {
            p.close();
          }
        }
        if (producing != null) {
          producing.cancel(true);
        }
      }
      try (Connection c = pg.connect()) {
        Verdict verdict = table.equals("events")
            ? GroundTruth.verifyAppend(c, table, RECORDS, PARTITIONS, workload)
            : GroundTruth.verifyAgg(c, table, RECORDS, workload);
        assertTrue(verdict.passed(), "seed " + seed + ": " + verdict.summary());
        assertEquals(DeadLetterTruth.expected(workload, RECORDS, PARTITIONS), DeadLetterTruth.actual(c, job.name()),
            "seed " + seed + ": the dead letters are exactly the malformed records");
      }
      job.assertLedger();
    }
  }

  private static void assertAllAlive(JobProcess[] processes, String[] roles) throws Exception {
    for (int i = 0; i < processes.length; i++) {
      if (!processes[i].isAlive()) {
        throw new AssertionError(roles[i] + "-" + i + " died on its own:\n" + processes[i].tail());
      }
    }
  }

  private static long produce(TestKafka kafka, String topic, Workload workload, double rate) {
    try (WorkloadProducer producer = WorkloadProducer.connect(kafka.bootstrapServers(), topic, workload)) {
      return producer.produceAtRate(0, RECORDS, rate);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts an engine process and waits until it works: a worker's threads run, a driver leads. */
  private static JobProcess startReady(String name, String role, Path config) throws Exception {
    return awaitReady(OnceflowCommand.start(name, role, config, Map.of()), role);
  }

  private static JobProcess awaitReady(JobProcess p, String role) throws Exception {
    p.awaitOutput(role.equals("driver") ? "driver:" + p.pid() + ":" : "started 2 threads", READY);
    return p;
  }

  private static String tails(JobProcess[] processes) {
    StringBuilder b = new StringBuilder();
    for (JobProcess p : processes) {
      b.append(p.tail()).append("\n----\n");
    }
    return b.toString();
  }

  private static String elapsed(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000 / 1000.0 + " s";
  }

  private static void log(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
