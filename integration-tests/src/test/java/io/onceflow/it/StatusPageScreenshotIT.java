package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.examples.AggJob;
import io.onceflow.examples.Workload;
import io.onceflow.examples.WorkloadProducer;
import io.onceflow.testkit.JobProcess;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Makes {@code docs/status-page.png}: a job that keeps up, then falls behind a burst above its
 * rate limit, then catches up, photographed while it catches up. About two minutes; runs only when
 * asked:
 *
 * <pre>
 * mvn -o -pl integration-tests verify -Dit.test=StatusPageScreenshotIT \
 *     -Donceflow.docs.screenshot=$PWD/docs/status-page.png
 * </pre>
 *
 * (A tool for the docs, not a check: {@link OperationsIT} tests the page in every build.)
 */
@EnabledIfSystemProperty(named = "onceflow.docs.screenshot", matches = ".+")
@ExtendWith(RealServers.class)
class StatusPageScreenshotIT {
  private static final Pattern STATUS_URL = Pattern.compile("Status page at (http://[^/\\s]+)/");

  @Test
  void photographTheStatusPageOfAJobCatchingUp(TestKafka kafka, TestDatabase db) throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic("totals"), 4);
    JobUnderTest job = WorkloadJobs.job("totals", AggJob.class, kafka, topic, db)
        .param("table", "user_totals")
        .set("http.port", "0")
        .set("batch.interval.ms", "1000")
        .set("batch.max.records.per.partition", "100000")
        .set("source.max.rate.per.partition", "2500");
    Path config = job.writeConfig(Files.createTempDirectory("screenshot"));
    Workload workload = Workload.standard().withUsers(20_000);
    try (JobProcess run = OnceflowCommand.start("screenshot", "run", config, Map.of());
        WorkloadProducer producer = WorkloadProducer.connect(kafka.bootstrapServers(), topic, workload)) {
      run.awaitOutput("Status page at", Duration.ofSeconds(60));
      Matcher m = STATUS_URL.matcher(run.output());
      assertTrue(m.find());
      long sent = 0;
      sent += producer.produceAtRate(sent, 6_000 * 40, 6_000); // keeps up
      sent += producer.produceAtRate(sent, 16_000 * 30, 16_000); // above 4 x 2,500/s: lag builds
      sent += producer.produceAtRate(sent, 4_000 * 10, 4_000); // catching up
      Chromium.screenshot(m.group(1) + "/", Path.of(System.getProperty("onceflow.docs.screenshot")), 1100);
      run.terminate(Duration.ofSeconds(60));
    }
  }
}
