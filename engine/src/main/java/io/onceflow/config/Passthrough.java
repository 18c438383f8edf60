package io.onceflow.config;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A family of keys under one prefix that the engine hands, prefix removed, to something else:
 * {@code job.param.*} to the job, {@code kafka.*} to the Kafka clients, {@code postgres.*} to
 * pgjdbc.
 *
 * <p>When the receiver's own key set is known, a passthrough accepts only those names: Kafka and
 * pgjdbc merely log (or ignore) a setting they do not know, so a misspelt {@code
 * kafka.security.protocl} or {@code postgres.sslmod} would silently fall back to an insecure
 * default. Here it stops start-up and names the nearest valid key instead.
 */
public final class Passthrough {

  private final String prefix;
  private final Set<String> names;
  private final List<String> openPrefixes;
  private final String doc;

  private Passthrough(String prefix, Set<String> names, List<String> openPrefixes, String doc) {
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.names = names == null ? null : Set.copyOf(names);
    this.openPrefixes = List.copyOf(openPrefixes);
    this.doc = Objects.requireNonNull(doc, "doc");
  }

  /** A passthrough that accepts any name under the prefix. */
  public static Passthrough open(String prefix, String doc) {
    return new Passthrough(prefix, null, List.of(), doc);
  }

  /**
   * A passthrough that accepts the given names, and any name under one of {@code openPrefixes} (for
   * families the receiver itself defines dynamically, such as Kafka's {@code
   * config.providers.<name>.class}).
   */
  public static Passthrough of(
      String prefix, Collection<String> names, List<String> openPrefixes, String doc) {
    return new Passthrough(prefix, Set.copyOf(names), openPrefixes, doc);
  }

  /** The prefix with its trailing dot, e.g. {@code kafka.}. */
  public String prefix() {
    return prefix;
  }

  /** The documented form, e.g. {@code kafka.*}. */
  public String pattern() {
    return prefix + "*";
  }

  public String doc() {
    return doc;
  }

  /** True when {@code key} lies under this prefix (whether or not it is accepted). */
  public boolean covers(String key) {
    return key.startsWith(prefix);
  }

  /** True when {@code key} is a setting the receiver knows. */
  public boolean accepts(String key) {
    if (!covers(key) || key.length() == prefix.length()) {
      return false;
    }
    String name = strip(key);
    return names == null
        || names.contains(name)
        || openPrefixes.stream().anyMatch(p -> name.startsWith(p) && name.length() > p.length());
  }

  /** The receiver's name of {@code key}: the key without the prefix. */
  public String strip(String key) {
    return key.substring(prefix.length());
  }

  /** Every accepted full key, for suggestions and environment variables; empty when open. */
  public Set<String> knownKeys() {
    Set<String> keys = new TreeSet<>();
    if (names != null) {
      names.forEach(n -> keys.add(prefix + n));
    }
    return keys;
  }

  /** The receiver's names, if this passthrough checks them. */
  public Optional<Set<String>> names() {
    return Optional.ofNullable(names);
  }
}
