package io.onceflow.config;

/** {@code batch.backpressure}: whether the planner sizes batches by what the workers keep up with. */
public enum Backpressure {
  OFF,
  ON
}
