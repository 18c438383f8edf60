package io.onceflow.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * How the text of a configuration value becomes a typed value, and back.
 *
 * <p>Every value arrives as text (a properties file, a flattened YAML file, an environment
 * variable), so a type is a parser plus the words an error message needs: "expected a long
 * integer". A parser signals a bad value with {@link IllegalArgumentException}; its message, if
 * any, adds detail (a regex syntax error, the entry of a list that is wrong).
 *
 * @param <T> the Java type of the value
 */
public final class ConfigType<T> {

  /** Any text. */
  public static final ConfigType<String> STRING =
      new ConfigType<>("string", "a string", s -> s, s -> s);

  /** A signed 64-bit decimal integer. */
  public static final ConfigType<Long> LONG =
      new ConfigType<>("long", "a long integer", ConfigType::parseLong, String::valueOf);

  /** A signed 32-bit decimal integer. */
  public static final ConfigType<Integer> INT =
      new ConfigType<>("int", "an integer", ConfigType::parseInt, String::valueOf);

  /** A file system path; whether it exists is checked by whoever opens it. */
  public static final ConfigType<Path> PATH =
      new ConfigType<>("path", "a file path", ConfigType::parsePath, Path::toString);

  /** Comma-separated, trimmed, non-empty, distinct entries. */
  public static final ConfigType<List<String>> LIST =
      new ConfigType<>(
          "list", "a comma-separated list", ConfigType::parseList, l -> String.join(",", l));

  /** A {@link Pattern} that compiles. */
  public static final ConfigType<Pattern> REGEX =
      new ConfigType<>("regex", "a regular expression", ConfigType::parseRegex, Pattern::pattern);

  /** {@code topic:partition=offset} entries separated by commas. */
  public static final ConfigType<List<PartitionOffset>> PARTITION_OFFSETS =
      new ConfigType<>(
          "topic:partition=offset list",
          "topic:partition=offset entries separated by commas",
          ConfigType::parseOffsets,
          l -> l.stream().map(PartitionOffset::toString).collect(Collectors.joining(",")));

  private final String name;
  private final String expected;
  private final Function<String, T> parser;
  private final Function<T, String> formatter;

  private ConfigType(
      String name, String expected, Function<String, T> parser, Function<T, String> formatter) {
    this.name = name;
    this.expected = expected;
    this.parser = parser;
    this.formatter = formatter;
  }

  /** An enum written in lower case in the configuration ({@code earliest}, {@code json}). */
  public static <E extends Enum<E>> ConfigType<E> enumOf(Class<E> type) {
    List<String> names = Arrays.stream(type.getEnumConstants()).map(ConfigType::lowerName).toList();
    String choices = String.join("|", names);
    return new ConfigType<>(
        choices,
        "one of " + String.join(", ", names),
        s -> {
          for (E e : type.getEnumConstants()) {
            if (lowerName(e).equalsIgnoreCase(s)) {
              return e;
            }
          }
          throw new IllegalArgumentException();
        },
        ConfigType::lowerName);
  }

  /** The short name shown in the documentation table. */
  public String name() {
    return name;
  }

  /** What a valid value looks like, for error messages: "a long integer". */
  public String expected() {
    return expected;
  }

  /**
   * Parses a trimmed value.
   *
   * @throws IllegalArgumentException if the text is not a value of this type
   */
  public T parse(String text) {
    return Objects.requireNonNull(parser.apply(text), "parser returned null");
  }

  /** The configuration text of a value, such that {@code parse(format(v))} equals {@code v}. */
  public String format(T value) {
    return formatter.apply(value);
  }

  @Override
  public String toString() {
    return name;
  }

  static String lowerName(Enum<?> e) {
    // DEAD_LETTER is written dead-letter, as a user types it in a properties file
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException();
    }
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException();
    }
  }

  private static Path parsePath(String s) {
    try {
      return Path.of(s);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(e.getReason(), e);
    }
  }

  private static List<String> parseList(String s) {
    List<String> items = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String part : s.split(",", -1)) {
      String item = part.strip();
      if (item.isEmpty()) {
        throw new IllegalArgumentException("an entry is empty");
      }
      if (!seen.add(item)) {
        throw new IllegalArgumentException("'" + item + "' is listed twice");
      }
      items.add(item);
    }
    return List.copyOf(items);
  }

  private static Pattern parseRegex(String s) {
    try {
      return Pattern.compile(s);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          e.getDescription() + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""), e);
    }
  }

  /**
   * Splits at the last ':' and the last '=' so that a topic name, which may hold dots, dashes and
   * underscores but neither of those two characters, needs no escaping.
   */
  private static List<PartitionOffset> parseOffsets(String s) {
    List<PartitionOffset> offsets = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String entry : parseList(s)) {
      int colon = entry.lastIndexOf(':');
      int equals = entry.lastIndexOf('=');
      if (colon <= 0 || equals < colon + 2 || equals == entry.length() - 1) {
        throw new IllegalArgumentException("'" + entry + "' is not topic:partition=offset");
      }
      String topic = entry.substring(0, colon).strip();
      String partition = entry.substring(colon + 1, equals).strip();
      String offset = entry.substring(equals + 1).strip();
      PartitionOffset po;
      try {
        po = new PartitionOffset(topic, Integer.parseInt(partition), Long.parseLong(offset));
      } catch (IllegalArgumentException e) { // NumberFormatException is one
        throw new IllegalArgumentException(
            "'" + entry + "' is not topic:partition=offset with partition and offset >= 0");
      }
      if (!seen.add(po.topic() + ":" + po.partition())) {
        throw new IllegalArgumentException(
            "partition " + po.topic() + ":" + po.partition() + " is listed twice");
      }
      offsets.add(po);
    }
    return List.copyOf(offsets);
  }
}
