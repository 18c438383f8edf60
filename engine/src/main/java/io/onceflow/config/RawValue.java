package io.onceflow.config;

/**
 * A configuration value as text, before parsing, with where it came from ("job.yaml", "env
 * ONCEFLOW_WORKER_THREADS") so that an error can say where to fix it.
 */
record RawValue(String text, String origin) {

  /** An empty value counts as not set: {@code ONCEFLOW_JOB_JAR=} unsets a file's job.jar. */
  boolean isSet() {
    return !text.isBlank();
  }
}
