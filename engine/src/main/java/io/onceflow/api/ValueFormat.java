package io.onceflow.api;

/** How record values are deserialized before a job sees them (config key {@code value.format}). */
public enum ValueFormat {
  /** UTF-8 text: the job's value type is {@code String}. */
  STRING,
  /** The raw bytes: {@code byte[]}. The fastest; the job parses what it needs. */
  BYTES,
  /** A Jackson {@code JsonNode}; a value that is not JSON becomes a dead letter. */
  JSON
}
