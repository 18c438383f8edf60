package io.onceflow.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The broker's log file: one file per data directory, appended to by every launch (the format step
 * included), so a restart's history stays readable in one place. The launcher writes a marker line
 * before each launch and scans only what follows it.
 *
 * <p>Not thread-safe; {@link EmbeddedKafkaBroker} uses it under its own lock.
 */
final class BrokerLog {

  private final Path file;

  BrokerLog(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /**
   * Appends a marker line and returns the offset just after it, where the next launch's output
   * begins.
   */
  long mark(String what) {
    String line = "---- onceflow " + Instant.now() + ": " + what + "\n";
    try {
      Files.writeString(
          file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write broker log " + file, e);
    }
  }

  /** Starts an incremental search for {@code needle} in what is written after {@code offset}. */
  Scanner scanFrom(long offset, String needle) {
    return new Scanner(offset, needle);
  }

  /** The last {@code lines} lines of the file, or a note saying why there are none. */
  String tail(int lines) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      int length = (int) Math.min(size, 64 * 1024);
      ByteBuffer buf = ByteBuffer.allocate(length);
      ch.read(buf, size - length);
      String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
      List<String> all = Arrays.asList(text.split("\n", -1));
      int from = Math.max(0, all.size() - lines - 1);
      return String.join("\n", all.subList(from, all.size())).stripTrailing();
    } catch (IOException e) {
      return "(broker log " + file + " unreadable: " + e + ")";
    }
  }

  /**
   * Reads new bytes on each call and keeps the last {@code needle.length() - 1} characters, so a
   * line split across two reads is still found. Bytes are read as ISO-8859-1 (one char per byte),
   * which cannot split a multi-byte character of an ASCII needle.
   */
  final class Scanner {
    private final String needle;
    private long position;
    private String carry = "";

    private Scanner(long position, String needle) {
      this.position = position;
      this.needle = needle;
    }

    boolean found() {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        long size = ch.size();
        while (position < size) {
          ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - position, 256 * 1024));
          int n = ch.read(buf, position);
          if (n <= 0) {
            break;
          }
          position += n;
          String text = carry + new String(buf.array(), 0, n, StandardCharsets.ISO_8859_1);
          if (text.contains(needle)) {
            return true;
          }
          carry = text.substring(Math.max(0, text.length() - needle.length() + 1));
        }
        return false;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read broker log " + file, e);
      }
    }
  }
}
