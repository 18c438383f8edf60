package io.onceflow.examples;

import java.nio.charset.StandardCharsets;

/**
 * A cache from ASCII bytes to the equal {@code String}: a user seen before costs a hash and a
 * compare, no allocation, and the {@code String} it returns has its hash code cached for the
 * aggregation map. Direct-mapped (a colliding name replaces the older one), so its size is fixed:
 * {@value #SLOTS} references, plus the names.
 *
 * <p>Only for bytes {@link FlatJson} vetted as printable ASCII. Confined to one thread.
 */
final class UserNames {
  static final int SLOTS = 1 << 17;

  private final String[] names = new String[SLOTS];

  String get(byte[] b, int from, int to) {
    int h = 0;
    for (int i = from; i < to; i++) {
      h = 31 * h + b[i];
    }
    int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
    String cached = names[slot];
    if (cached != null && equal(cached, b, from, to)) {
      return cached;
    }
    String name = new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    names[slot] = name;
    return name;
  }

  private static boolean equal(String s, byte[] b, int from, int to) {
    int len = to - from;
    if (s.length() != len) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (s.charAt(i) != b[from + i]) {
        return false;
      }
    }
    return true;
  }
}
