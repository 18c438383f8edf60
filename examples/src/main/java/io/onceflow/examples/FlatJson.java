package io.onceflow.examples;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A strict reader of the one shape most event values have: a flat JSON object whose keys and
 * string values are printable ASCII without escapes, and whose other values are plain integers
 * of at most 18 digits. It accepts a value only if Jackson would accept it and read the same
 * {@code user}, {@code amount} and {@code ts} from it; for anything else (escapes, non-ASCII bytes,
 * control characters, floats, exponents, {@code true}/{@code null}, nesting, a wrong type for a
 * known field, a missing user or amount, trailing bytes) it answers "not mine" and {@link
 * EventParser} falls back to Jackson, which decides. It never throws on bad input.
 *
 * <p>Duplicate keys: the last one wins, as in EventParser's Jackson loop.
 *
 * <p>Holds the last value's fields; confined to one thread.
 */
final class FlatJson {
  private byte[] v;
  private int userFrom;
  private int userTo;
  private long amount;
  private long ts;
  private boolean hasUser;
  private boolean hasAmount;
  private boolean hasTs;
  /** Set by {@link #number}: the parsed integer; by the scanners: the next position. */
  private long number;

  /** True if {@code value} is a flat event this reader fully understood. */
  boolean parse(byte[] value) {
    v = value;
    hasUser = false;
    hasAmount = false;
    hasTs = false;
    int n = value.length;
    int i = skipSpace(0);
    if (i >= n || value[i] != '{') {
      return false;
    }
    i = skipSpace(i + 1);
    while (true) {
      if (i >= n || value[i] != '"') {
        return false; // "}" right after "{" or after ",", or not a key: Jackson decides
      }
      int keyFrom = i + 1;
      int keyTo = string(keyFrom);
      if (keyTo < 0) {
        return false;
      }
      i = skipSpace(keyTo + 1);
      if (i >= n || value[i] != ':') {
        return false;
      }
      i = skipSpace(i + 1);
      if (i >= n) {
        return false;
      }
      int field = field(keyFrom, keyTo);
      if (value[i] == '"') {
        int to = string(i + 1);
        if (to < 0 || field == AMOUNT || field == TS) {
          return false;
        }
        if (field == USER) {
          userFrom = i + 1;
          userTo = to;
          hasUser = true;
        }
        i = to + 1;
      } else {
        int end = number(i);
        if (end < 0 || field == USER) {
          return false;
        }
        if (field == AMOUNT) {
          amount = number;
          hasAmount = true;
        } else if (field == TS) {
          ts = number;
          hasTs = true;
        }
        i = end;
      }
      i = skipSpace(i);
      if (i >= n) {
        return false;
      }
      if (value[i] == ',') {
        i = skipSpace(i + 1);
        continue;
      }
      if (value[i] != '}') {
        return false;
      }
      return skipSpace(i + 1) == n && hasUser && hasAmount;
    }
  }

  private static final int OTHER = 0;
  private static final int USER = 1;
  private static final int AMOUNT = 2;
  private static final int TS = 3;

  private int field(int from, int to) {
    byte[] b = v;
    int len = to - from;
    if (len == 4 && b[from] == 'u' && b[from + 1] == 's' && b[from + 2] == 'e' && b[from + 3] == 'r') {
      return USER;
    }
    if (len == 2 && b[from] == 't' && b[from + 1] == 's') {
      return TS;
    }
    if (len == 6
        && b[from] == 'a'
        && b[from + 1] == 'm'
        && b[from + 2] == 'o'
        && b[from + 3] == 'u'
        && b[from + 4] == 'n'
        && b[from + 5] == 't') {
      return AMOUNT;
    }
    return OTHER;
  }

  /** The index of the closing quote of a string starting at {@code from}, or -1 if not simple. */
  private int string(int from) {
    byte[] b = v;
    int i = from;
    // Eight bytes at a time while none of them is special: a quote, a backslash (escapes), a
    // control character or a non-ASCII byte. Exact tests (no false negatives), see "hasless" in
    // Sean Anderson's bit twiddling hacks; a word with a special byte goes to the byte loop.
    for (; i + 8 <= b.length; i += 8) {
      long x = (long) LONGS.get(b, i);
      long special =
          ((x - ONES * 0x20) & ~x) // a byte below 0x20 (or at or above 0x80, caught next)
              | x // a byte at or above 0x80
              | ((x ^ ONES * '"') - ONES) & ~(x ^ ONES * '"')
              | ((x ^ ONES * '\\') - ONES) & ~(x ^ ONES * '\\');
      if ((special & HIGH_BITS) != 0) {
        break;
      }
    }
    for (; i < b.length; i++) {
      byte c = b[i];
      if (c == '"') {
        return i;
      }
      // backslash (escapes), control characters and every non-ASCII byte (c < 0): Jackson's call
      if (c == '\\' || c < 0x20) {
        return -1;
      }
    }
    return -1;
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  /**
   * Reads {@code -?(0|[1-9][0-9]*)} of at most 18 digits into {@link #number}; returns the index
   * after it, or -1 when the value is anything else or continues like a float.
   */
  private int number(int from) {
    byte[] b = v;
    int i = from;
    boolean negative = false;
    if (i < b.length && b[i] == '-') {
      negative = true;
      i++;
    }
    int first = i;
    long x = 0;
    while (i < b.length && b[i] >= '0' && b[i] <= '9') {
      x = x * 10 + (b[i] - '0');
      i++;
    }
    int digits = i - first;
    if (digits == 0 || digits > 18 || (digits > 1 && b[first] == '0')) {
      return -1;
    }
    if (i < b.length) {
      byte c = b[i];
      if (c != ',' && c != '}' && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return -1; // '.', 'e', 'E' or junk: not a plain integer
      }
    }
    number = negative ? -x : x;
    return i;
  }

  private int skipSpace(int i) {
    byte[] b = v;
    while (i < b.length) {
      byte c = b[i];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        break;
      }
      i++;
    }
    return i;
  }

  int userFrom() {
    return userFrom;
  }

  int userTo() {
    return userTo;
  }

  String user(UserNames names) {
    return names.get(v, userFrom, userTo);
  }

  long amount() {
    return amount;
  }

  boolean hasTs() {
    return hasTs;
  }

  long ts() {
    return ts;
  }
}
