package io.onceflow.connectors.postgres;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes values straight into the bytes of a {@code COPY FROM STDIN} stream, escaping as the
 * format demands and UTF-8 encoding strings without an intermediate {@code byte[]} per value.
 *
 * <p>Knows nothing about rows or columns: {@link CopyAppender} decides where delimiters go.
 * Confined to one thread.
 */
final class CopyRowEncoder {

  private static final byte[] HEX =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

  private final boolean csv;
  private byte[] buf;
  private int size;

  CopyRowEncoder(CopyFormat format, int initialCapacity) {
    this.csv = format == CopyFormat.CSV;
    this.buf = new byte[initialCapacity];
  }

  byte[] buffer() {
    return buf;
  }

  int size() {
    return size;
  }

  /** Drops everything after {@code mark}: how a half-written row is abandoned. */
  void truncate(int mark) {
    size = mark;
  }

  void delimiter() {
    ensure(1);
    buf[size++] = csv ? (byte) ',' : (byte) '\t';
  }

  void endOfRow() {
    ensure(1);
    buf[size++] = '\n';
  }

  void writeNull() {
    if (!csv) {
      ensure(2);
      buf[size++] = '\\';
      buf[size++] = 'N';
    }
  }

  void writeLong(long value) {
    if (value == Long.MIN_VALUE) {
      writeAscii("-9223372036854775808");
      return;
    }
    ensure(20);
    byte[] b = buf;
    int p = size;
    if (value < 0) {
      b[p++] = '-';
      value = -value;
    }
    int end = p + digits(value);
    for (int i = end - 1; i >= p; i--) {
      b[i] = (byte) ('0' + (int) (value % 10));
      value /= 10;
    }
    size = end;
  }

  void writeBoolean(boolean value) {
    ensure(1);
    buf[size++] = value ? (byte) 't' : (byte) 'f';
  }

  /** Java's shortest round-trip form; PostgreSQL reads it, including NaN and ±Infinity. */
  void writeDouble(double value) {
    writeAscii(Double.toString(value));
  }

  void writeFloat(float value) {
    writeAscii(Float.toString(value));
  }

  /** A {@code bytea} in hex form ({@code \x0a1b}); in TEXT the backslash itself is escaped. */
  void writeBytea(byte[] value) {
    ensure(3 + 2 * value.length);
    byte[] b = buf;
    int p = size;
    b[p++] = '\\';
    if (!csv) {
      b[p++] = '\\';
    }
    b[p++] = 'x';
    for (byte v : value) {
      b[p++] = HEX[(v >> 4) & 0xf];
      b[p++] = HEX[v & 0xf];
    }
    size = p;
  }

  /**
   * Writes {@code value} escaped and UTF-8 encoded. A NUL character or an unpaired surrogate is
   * refused: PostgreSQL cannot store the first and Java would silently turn the second into {@code
   * ?}; failing here lets the job dead-letter one record instead of failing the COPY.
   */
  void writeString(String value) {
    int n = value.length();
    // Worst case per char: 3 UTF-8 bytes; escapes and surrogate pairs need fewer per char.
    ensure(3L * n + 2);
    byte[] b = buf;
    int p = size;
    if (csv) {
      b[p++] = '"';
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        if (c == 0) {
          throw new IllegalArgumentException(
              "a NUL character (\\u0000) cannot be stored in PostgreSQL text, at index " + i);
        }
        if (csv) {
          if (c == '"') {
            b[p++] = '"';
          }
          b[p++] = (byte) c;
        } else {
          p = writeTextAscii(b, p, c);
        }
      } else if (c < 0x800) {
        b[p++] = (byte) (0xc0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isSurrogate(c)) {
        char low = i + 1 < n ? value.charAt(i + 1) : 0;
        if (!Character.isHighSurrogate(c) || !Character.isLowSurrogate(low)) {
          throw new IllegalArgumentException("unpaired UTF-16 surrogate at index " + i);
        }
        int cp = Character.toCodePoint(c, low);
        i++;
        b[p++] = (byte) (0xf0 | (cp >> 18));
        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
        b[p++] = (byte) (0x80 | (cp & 0x3f));
      } else {
        b[p++] = (byte) (0xe0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        b[p++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    if (csv) {
      b[p++] = '"';
    }
    size = p;
  }

  /**
   * Writes the UTF-8 text {@code utf8[from, to)} exactly as {@link #writeString} writes the
   * {@code String} it decodes to: ASCII is escaped and copied byte for byte, with no {@code
   * String} in between; bytes that are not ASCII are decoded strictly first (not well-formed
   * UTF-8 is refused with {@link IllegalArgumentException}, as a NUL is).
   */
  void writeUtf8(byte[] utf8, int from, int to) {
    for (int i = from; i < to; i++) {
      if (utf8[i] < 0) {
        writeString(decodeStrictly(utf8, from, to));
        return;
      }
    }
    ensure(2L * (to - from) + 2);
    byte[] b = buf;
    int p = size;
    if (csv) {
      b[p++] = '"';
    }
    for (int i = from; i < to; i++) {
      char c = (char) utf8[i];
      if (c == 0) {
        throw new IllegalArgumentException(
            "a NUL character (\\u0000) cannot be stored in PostgreSQL text, at index " + (i - from));
      }
      if (csv) {
        if (c == '"') {
          b[p++] = '"';
        }
        b[p++] = (byte) c;
      } else {
        p = writeTextAscii(b, p, c);
      }
    }
    if (csv) {
      b[p++] = '"';
    }
    size = p;
  }

  private static String decodeStrictly(byte[] utf8, int from, int to) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8, from, to - from))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not well-formed UTF-8: " + e.getMessage(), e);
    }
  }

  void clear() {
    size = 0;
  }

  private static int writeTextAscii(byte[] b, int p, char c) {
    switch (c) {
      case '\\':
        b[p++] = '\\';
        b[p++] = '\\';
        break;
      case '\t':
        b[p++] = '\\';
        b[p++] = 't';
        break;
      case '\n':
        b[p++] = '\\';
        b[p++] = 'n';
        break;
      case '\r':
        b[p++] = '\\';
        b[p++] = 'r';
        break;
      default:
        b[p++] = (byte) c;
    }
    return p;
  }

  /** Numbers and booleans: ASCII with nothing to escape in either format. */
  private void writeAscii(String ascii) {
    int n = ascii.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[size++] = (byte) ascii.charAt(i);
    }
  }

  private static int digits(long value) {
    int d = 1;
    while (value >= 10) {
      value /= 10;
      d++;
    }
    return d;
  }

  private void ensure(long extra) {
    long needed = size + extra;
    if (needed <= buf.length) {
      return;
    }
    if (needed > MAX_ARRAY) {
      throw new IllegalStateException("COPY buffer would exceed 2 GiB: flush more often");
    }
    long grown = Math.max(needed, Math.min((long) buf.length * 2, MAX_ARRAY));
    buf = Arrays.copyOf(buf, (int) grown);
  }
}
