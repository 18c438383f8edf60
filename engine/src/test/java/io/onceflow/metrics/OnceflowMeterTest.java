package io.onceflow.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.onceflow.ledger.CompletedBatch;
import io.onceflow.ledger.PartitionId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OnceflowMeterTest {

  @Test
  void everyMeterIsNamedUnderOnceflowWithADescriptionAndTheJobTag() {
    Set<String> names = new HashSet<>();
    for (OnceflowMeter m : OnceflowMeter.values()) {
      assertTrue(m.meterName().startsWith("onceflow."), m.meterName());
      assertFalse(m.description().isBlank(), m.meterName());
      assertEquals("job", m.tags().get(0), m.meterName());
      assertTrue(names.add(m.meterName()), "declared twice: " + m.meterName());
    }
  }

  @Test
  void theMicrometerImplementationRegistersEveryDeclaredMeterWithItsDescription() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    EngineMetrics metrics = new MicrometerEngineMetrics(registry, "totals");
    PartitionId p = new PartitionId("events", 3);
    metrics.taskCommitted(p, 100, 2);
    metrics.gapSkipped(p, 5);
    metrics.partitionLag(p, 42);
    metrics.partitionUnstable(p, 0);
    metrics.tasksInFlight(() -> 1);
    metrics.batchCompleted(new CompletedBatch(1, 100, 100, 10, 20));
    for (OnceflowMeter m : OnceflowMeter.values()) {
      Meter meter = registry.find(m.meterName()).meter();
      assertTrue(meter != null, "not registered: " + m.meterName());
      assertEquals(m.description(), meter.getId().getDescription());
      assertEquals(Set.copyOf(m.tags()), Set.copyOf(meter.getId().getTags().stream().map(t -> t.getKey()).toList()),
          "tags of " + m.meterName());
    }
    assertEquals(100, registry.get("onceflow.input.records").tag("partition", "3").counter().count());
    assertEquals(2, registry.get("onceflow.dead.letters").tag("topic", "events").counter().count());
    assertEquals(42, registry.get("onceflow.partition.lag").tag("job", "totals").gauge().value());
  }

  @Test
  void operationsDocListsEveryMeterByItsPrometheusName() throws Exception {
    Path doc = Path.of("..", "docs", "operations.md");
    String text = Files.readString(doc);
    for (OnceflowMeter m : OnceflowMeter.values()) {
      assertTrue(text.contains("`" + m.prometheusName() + "`"),
          "docs/operations.md does not list " + m.prometheusName());
    }
  }
}
