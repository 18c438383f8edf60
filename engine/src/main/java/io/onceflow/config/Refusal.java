package io.onceflow.config;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * A passthrough setting the engine refuses because it would break exactly-once, with the reason.
 * Refusing, rather than quietly overriding, keeps a user from believing a setting is in effect when
 * it is not.
 *
 * @param key the full configuration key, e.g. {@code kafka.enable.auto.commit}
 * @param refusedValues which values are refused, for the documentation ("true", "any value")
 * @param refuses true for a refused (trimmed) value
 * @param reason why, in one sentence a user can act on
 */
public record Refusal(String key, String refusedValues, Predicate<String> refuses, String reason) {

  public Refusal {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(refusedValues, "refusedValues");
    Objects.requireNonNull(refuses, "refuses");
    Objects.requireNonNull(reason, "reason");
  }

  /** Refuses every value of {@code key}. */
  public static Refusal always(String key, String reason) {
    return new Refusal(key, "any value", v -> true, reason);
  }

  /** Refuses every value of {@code key} except {@code allowed} (ignoring case). */
  public static Refusal unless(String key, String allowed, String reason) {
    return new Refusal(key, "anything but " + allowed, v -> !v.equalsIgnoreCase(allowed), reason);
  }

  /** Refuses the one value {@code refused} (ignoring case). */
  public static Refusal when(String key, String refused, String reason) {
    return new Refusal(key, refused, v -> v.equalsIgnoreCase(refused), reason);
  }

  boolean refuses(String value) {
    return refuses.test(value);
  }
}
