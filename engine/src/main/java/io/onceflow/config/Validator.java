package io.onceflow.config;

import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A rule a parsed value must keep, with the words that describe it. The description appears after
 * the type in error messages and in the documentation table ("a long integer &gt; 0"), so the
 * reader learns the valid range from the same sentence that names the mistake.
 *
 * @param description what a valid value is, e.g. {@code ">= 1000"}
 * @param test true for a valid value
 * @param <T> the type of the values it checks
 */
public record Validator<T>(String description, Predicate<? super T> test) {

  public Validator {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(test, "test");
  }

  /** A number greater than zero. */
  public static Validator<Number> positive() {
    return new Validator<>("> 0", n -> n.longValue() > 0);
  }

  /** A number at least {@code min}. */
  public static Validator<Number> atLeast(long min) {
    return new Validator<>(">= " + min, n -> n.longValue() >= min);
  }

  /** A number from {@code min} to {@code max}, both included. */
  public static Validator<Number> between(long min, long max) {
    return new Validator<>(min + " to " + max, n -> n.longValue() >= min && n.longValue() <= max);
  }

  /** Text that matches the whole of {@code regex}. */
  public static Validator<String> matching(String regex) {
    Pattern pattern = Pattern.compile(regex);
    return new Validator<>("matching " + regex, s -> pattern.matcher(s).matches());
  }

  /** Text that matches the whole of {@code regex}, described in words. */
  public static Validator<String> matching(String regex, String description) {
    Pattern pattern = Pattern.compile(regex);
    return new Validator<>(description, s -> pattern.matcher(s).matches());
  }

  /** Text that starts with {@code prefix}. */
  public static Validator<String> startingWith(String prefix) {
    return new Validator<>("starting with " + prefix, s -> s.startsWith(prefix));
  }

  public boolean accepts(T value) {
    return test.test(value);
  }
}
