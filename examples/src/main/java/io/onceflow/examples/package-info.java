/**
 * The shared benchmark workload of {@code bench/WORKLOAD.md} end to end: the {@link
 * io.onceflow.examples.Workload} formula, a {@link io.onceflow.examples.WorkloadProducer} that
 * loads it into Kafka, the {@link io.onceflow.examples.AggJob} and {@link
 * io.onceflow.examples.AppendJob} that the engine runs on it, and the {@link
 * io.onceflow.examples.GroundTruth} that checks the sink from the formula alone.
 */
package io.onceflow.examples;
