package io.onceflow.connectors.postgres;

/**
 * The wire format a {@link CopyAppender} speaks. Both carry the same values; {@link #TEXT} is
 * PostgreSQL's default and slightly smaller, {@link #CSV} is there for tables whose loaders already
 * expect CSV semantics (an empty string and NULL are still told apart).
 */
public enum CopyFormat {
  /** Tab-separated, {@code \N} for NULL, backslash escapes for tab, newline, CR and backslash. */
  TEXT,
  /** Comma-separated; strings always double-quoted (quotes doubled), NULL an unquoted empty. */
  CSV
}
