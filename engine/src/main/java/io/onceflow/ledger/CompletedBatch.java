package io.onceflow.ledger;

/**
 * A batch whose every task committed, with the timings the ledger recorded (database clock).
 *
 * @param offsets offsets of the whole batch
 * @param largestRange offsets of its largest task: what the per-partition cap bounded
 * @param schedulingDelayMs from the plan to the first task's first claim
 * @param processingMs from the first task's first claim to the last task's commit
 */
public record CompletedBatch(
    long batchId, long offsets, long largestRange, long schedulingDelayMs, long processingMs) {}
