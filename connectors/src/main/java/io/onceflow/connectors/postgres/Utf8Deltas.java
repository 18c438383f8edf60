package io.onceflow.connectors.postgres;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Per-key counters keyed by UTF-8 bytes, for {@link DeltaUpsert#add(byte[], int, int, long,
 * long)}: an open-addressing table whose keys are copied into one byte arena, so adding to a key
 * seen before allocates nothing and touches a few small arrays (a task's keys fit in the CPU's
 * cache), where a {@code HashMap<String, long[]>} needs a {@code String} per record and a walk
 * through objects spread over the heap.
 *
 * <p>Keys become {@code String}s once per key, when {@link #drainInto} hands them to the
 * upsert; bytes that are not well-formed UTF-8 fail there with {@link IllegalArgumentException}
 * rather than turn silently into U+FFFD (which would merge distinct keys). Confined to one thread.
 */
final class Utf8Deltas {
  private final int arity;
  private int[] slots = new int[1 << 10]; // entry index + 1; 0 = empty
  private int[] hashes = new int[1 << 9];
  private int[] keyFrom = new int[1 << 9];
  private int[] keyLength = new int[1 << 9];
  private long[] deltas;
  private byte[] arena = new byte[1 << 13];
  private int arenaSize;
  private int size;

  Utf8Deltas(int arity) {
    this.arity = arity;
    this.deltas = new long[(1 << 9) * arity];
  }

  int size() {
    return size;
  }

  /** The counters of key {@code bytes[from, to)}, created at zero; index into {@link #deltas}. */
  int counters(byte[] bytes, int from, int to) {
    int h = hash(bytes, from, to);
    int mask = slots.length - 1;
    int slot = h & mask;
    while (true) {
      int e = slots[slot] - 1;
      if (e < 0) {
        return insert(slot, h, bytes, from, to) * arity;
      }
      if (hashes[e] == h
          && keyLength[e] == to - from
          && Arrays.equals(arena, keyFrom[e], keyFrom[e] + keyLength[e], bytes, from, to)) {
        return e * arity;
      }
      slot = (slot + 1) & mask;
    }
  }

  long[] deltas() {
    return deltas;
  }

  private int insert(int slot, int h, byte[] bytes, int from, int to) {
    int e = size++;
    if (e == hashes.length) {
      int n = hashes.length * 2;
      hashes = Arrays.copyOf(hashes, n);
      keyFrom = Arrays.copyOf(keyFrom, n);
      keyLength = Arrays.copyOf(keyLength, n);
      deltas = Arrays.copyOf(deltas, n * arity);
    }
    int length = to - from;
    if (arenaSize + length > arena.length) {
      arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaSize + length));
    }
    System.arraycopy(bytes, from, arena, arenaSize, length);
    hashes[e] = h;
    keyFrom[e] = arenaSize;
    keyLength[e] = length;
    arenaSize += length;
    slots[slot] = e + 1;
    if (size * 2 > slots.length) {
      rehash(slots.length * 2);
    }
    return e;
  }

  private void rehash(int capacity) {
    int[] next = new int[capacity];
    int mask = capacity - 1;
    for (int e = 0; e < size; e++) {
      int slot = hashes[e] & mask;
      while (next[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      next[slot] = e + 1;
    }
    slots = next;
  }

  /** Adds every key's counters into {@code pending} (by its {@code String}), then empties. */
  void drainInto(Map<String, long[]> pending) {
    try {
      for (int e = 0; e < size; e++) {
        String key = decode(keyFrom[e], keyLength[e]);
        long[] c = pending.computeIfAbsent(key, k -> new long[arity]);
        for (int col = 0; col < arity; col++) {
          c[col] += deltas[e * arity + col];
        }
      }
    } finally {
      clear();
    }
  }

  void clear() {
    Arrays.fill(slots, 0);
    Arrays.fill(deltas, 0, size * arity, 0L);
    size = 0;
    arenaSize = 0;
  }

  private String decode(int from, int length) {
    boolean ascii = true;
    for (int i = from; i < from + length; i++) {
      if (arena[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(arena, from, length, StandardCharsets.ISO_8859_1);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(arena, from, length))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("a key is not well-formed UTF-8: " + e.getMessage(), e);
    }
  }

  private static int hash(byte[] b, int from, int to) {
    int h = 1;
    for (int i = from; i < to; i++) {
      h = 31 * h + b[i];
    }
    return h ^ (h >>> 16);
  }
}
