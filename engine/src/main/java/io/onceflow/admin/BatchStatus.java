package io.onceflow.admin;

/**
 * One batch as the status page's table shows it.
 *
 * @param state {@code planned} (no task started), {@code running}, {@code committed}, or {@code
 *     reset} (an offset reset removed its tasks)
 * @param schedulingDelayMs plan to first task start; null while nothing started
 * @param processingMs first task start to last commit (or to now while running); null before
 */
public record BatchStatus(
    long batchId,
    long plannedAtMs,
    long records,
    int tasks,
    int tasksCommitted,
    int tasksRunning,
    long deadLetters,
    Long schedulingDelayMs,
    Long processingMs,
    String state) {}
