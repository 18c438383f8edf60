package io.onceflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

  @Test
  void countsInsertionsDeletionsSubstitutionsAndSwaps() {
    assertEquals(0, Suggestions.distance("worker", "worker"));
    assertEquals(1, Suggestions.distance("wroker", "worker"));
    assertEquals(1, Suggestions.distance("worke", "worker"));
    assertEquals(1, Suggestions.distance("workers", "worker"));
    assertEquals(1, Suggestions.distance("wurker", "worker"));
    assertEquals(3, Suggestions.distance("batch.interval", "batch.interval.ms"));
  }

  @Test
  void suggestsOnlyPlausibleTypos() {
    List<String> keys = List.of("batch.interval.ms", "worker.threads", "job.name");
    assertEquals(Optional.of("batch.interval.ms"), Suggestions.closest("batch.interval", keys));
    assertEquals(Optional.of("job.name"), Suggestions.closest("JOB.NAME", keys));
    assertEquals(Optional.empty(), Suggestions.closest("metrics.port", keys));
  }
}
