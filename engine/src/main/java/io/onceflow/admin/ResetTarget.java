package io.onceflow.admin;

import io.onceflow.api.ConfigException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Where {@code onceflow offsets reset --to} moves a partition: {@code earliest}, {@code latest},
 * an offset (digits), or a timestamp (ISO-8601: {@code 2026-11-24T08:00:00Z}, or a date, meaning
 * its midnight UTC), resolved per partition to the first offset at or after it.
 */
public sealed interface ResetTarget {
  record Earliest() implements ResetTarget {}

  record Latest() implements ResetTarget {}

  record Offset(long offset) implements ResetTarget {}

  record Timestamp(Instant at) implements ResetTarget {}

  /** Parses the text of {@code --to}; a clear error names what is accepted. */
  static ResetTarget parse(String text) {
    String t = text.strip();
    if (t.equalsIgnoreCase("earliest")) {
      return new Earliest();
    }
    if (t.equalsIgnoreCase("latest")) {
      return new Latest();
    }
    if (t.matches("\\d{1,18}")) {
      return new Offset(Long.parseLong(t));
    }
    try {
      return new Timestamp(Instant.parse(t));
    } catch (DateTimeParseException notAnInstant) {
      try {
        return new Timestamp(LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant());
      } catch (DateTimeParseException notADate) {
        throw new ConfigException(
            "--to '" + text + "' is none of: earliest, latest, an offset (digits), a timestamp"
                + " such as 2026-11-24T08:00:00Z, or a date such as 2026-11-24 (midnight UTC)");
      }
    }
  }
}
