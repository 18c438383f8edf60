package io.onceflow.config;

/** What the driver does when a topic of {@code source.topics} does not exist. */
public enum MissingTopicPolicy {
  /** Log the missing topics (once per change) and plan the others; pick it up once created. */
  WAIT,
  /** Stop the driver with an error naming the missing topics. */
  FAIL
}
