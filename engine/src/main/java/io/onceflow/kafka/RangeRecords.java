package io.onceflow.kafka;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The records of one offset range, copied out of the consumer's records as they are polled into a
 * few large arrays: key and value bytes packed into chunks, offsets, timestamps and positions in
 * primitive arrays.
 *
 * <p>Why: a task's records must all be read before its transaction opens (DESIGN §3) and live until
 * it commits. Kept as Kafka's {@code ConsumerRecord}s (each with its headers object and its own key
 * and value arrays) they were ~350 bytes in many small objects per record, which survived young
 * collections and were copied again and again; here they cost ~35 bytes per record plus their
 * bytes, held in a handful of arrays the collector does not copy, and the consumer's objects die
 * young. Records are handed to the job as {@code Record}s made when asked for ({@link
 * io.onceflow.job.RecordDecoder}).
 *
 * <p>One instance serves all the tasks of a worker thread ({@link #reset}): the chunks and arrays
 * of the thread's previous task are reused, not zeroed and allocated again (chunks the previous
 * task did not need are let go). A view of a previous
 * task's records notices ({@link #generation}) and fails instead of showing the next task's bytes.
 *
 * <p>Not thread-safe: filled and read by one worker thread.
 */
public final class RangeRecords {
  /**
   * Key and value bytes go into chunks of this size; a record larger than a chunk gets one of its
   * own. A little under 1 MiB so a chunk plus its array header fills one 1 MiB G1 region (the
   * region size of a heap of up to 2 GiB), where it is allocated as a humongous object and never
   * copied.
   */
  static final int CHUNK_BYTES = (1 << 20) - 64;

  private static final int NULL = -1;

  private String topic;
  private int partition;
  private int generation;
  private int size;
  private long[] offsets;
  private long[] timestamps;
  private int[] chunkIndex;
  private int[] start;
  private int[] keyLength;
  private int[] valueLength;
  /** Per record, its headers; allocated only when a record has any. */
  private List<Map.Entry<String, byte[]>>[] headers;

  private final List<byte[]> chunks = new ArrayList<>();
  /** Index in {@link #chunks} of the chunk being filled; -1 before the first record. */
  private int chunkInUse = -1;
  private byte[] chunk;
  private int chunkUsed;

  public RangeRecords(String topic, int partition, int expectedRecords) {
    this.topic = topic;
    this.partition = partition;
    int capacity = Math.max(16, expectedRecords);
    offsets = new long[capacity];
    timestamps = new long[capacity];
    chunkIndex = new int[capacity];
    start = new int[capacity];
    keyLength = new int[capacity];
    valueLength = new int[capacity];
  }

  /**
   * Empties this for the next task's records of {@code topic}-{@code partition}, keeping its
   * memory; views of the records held so far see a new {@link #generation()}.
   */
  public void reset(String topic, int partition) {
    this.topic = topic;
    this.partition = partition;
    generation++;
    size = 0;
    // Keep only the chunks the last range needed: a thread whose tasks shrink (a backlog drained,
    // a partition of small records after one of large) gives the rest back to the collector.
    chunks.subList(chunkInUse + 1, chunks.size()).clear();
    chunkInUse = -1;
    chunk = null;
    chunkUsed = 0;
    if (headers != null) {
      Arrays.fill(headers, null);
    }
  }

  /** Changes on every {@link #reset}: a view made for one task checks it is still that task's. */
  public int generation() {
    return generation;
  }

  public String topic() {
    return topic;
  }

  public int partition() {
    return partition;
  }

  public int size() {
    return size;
  }

  /** Copies one polled record in; {@code key} and {@code value} may be null, and are not kept. */
  public void add(long offset, long timestamp, ByteBuffer key, ByteBuffer value, Headers recordHeaders) {
    if (size == offsets.length) {
      grow();
    }
    int keyBytes = key == null ? 0 : key.remaining();
    int valueBytes = value == null ? 0 : value.remaining();
    reserve(keyBytes + valueBytes);
    int at = chunkUsed;
    if (key != null) {
      key.get(key.position(), chunk, at, keyBytes);
    }
    if (value != null) {
      value.get(value.position(), chunk, at + keyBytes, valueBytes);
    }
    chunkUsed += keyBytes + valueBytes;

    offsets[size] = offset;
    timestamps[size] = timestamp;
    chunkIndex[size] = chunkInUse;
    start[size] = at;
    keyLength[size] = key == null ? NULL : keyBytes;
    valueLength[size] = value == null ? NULL : valueBytes;
    Header[] array = recordHeaders.toArray();
    if (array.length > 0) {
      headersArray()[size] = headerList(array);
    }
    size++;
  }

  public long offset(int i) {
    return offsets[check(i)];
  }

  public long timestamp(int i) {
    return timestamps[check(i)];
  }

  /** A fresh copy of record {@code i}'s key, or null. */
  public byte[] key(int i) {
    int length = keyLength[check(i)];
    return length == NULL ? null : copy(i, 0, length);
  }

  /** A fresh copy of record {@code i}'s value, or null. */
  public byte[] value(int i) {
    int length = valueLength[check(i)];
    return length == NULL ? null : copy(i, Math.max(keyLength[i], 0), length);
  }

  /** Record {@code i}'s headers in their order (empty when it has none); not to be modified. */
  public List<Map.Entry<String, byte[]>> headers(int i) {
    check(i);
    List<Map.Entry<String, byte[]>> h = headers == null ? null : headers[i];
    return h == null ? List.of() : h;
  }

  /** The bytes held for keys and values (for tests and metrics). */
  long chunkBytes() {
    long total = 0;
    for (byte[] c : chunks) {
      total += c.length;
    }
    return total;
  }

  private byte[] copy(int i, int from, int length) {
    int at = start[i] + from;
    return Arrays.copyOfRange(chunks.get(chunkIndex[i]), at, at + length);
  }

  private void reserve(int bytes) {
    if (chunk != null && chunkUsed + bytes <= chunk.length) {
      return;
    }
    chunkUsed = 0;
    chunkInUse++;
    if (chunkInUse < chunks.size() && chunks.get(chunkInUse).length >= bytes) {
      chunk = chunks.get(chunkInUse); // kept from an earlier task
      return;
    }
    chunk = new byte[Math.max(CHUNK_BYTES, bytes)];
    if (chunkInUse < chunks.size()) {
      chunks.set(chunkInUse, chunk); // a kept chunk too small for this record: replaced
    } else {
      chunks.add(chunk);
    }
  }

  private void grow() {
    int capacity = offsets.length * 2;
    offsets = Arrays.copyOf(offsets, capacity);
    timestamps = Arrays.copyOf(timestamps, capacity);
    chunkIndex = Arrays.copyOf(chunkIndex, capacity);
    start = Arrays.copyOf(start, capacity);
    keyLength = Arrays.copyOf(keyLength, capacity);
    valueLength = Arrays.copyOf(valueLength, capacity);
    if (headers != null) {
      headers = Arrays.copyOf(headers, capacity);
    }
  }

  @SuppressWarnings("unchecked")
  private List<Map.Entry<String, byte[]>>[] headersArray() {
    if (headers == null) {
      headers = new List[offsets.length];
    }
    return headers;
  }

  private static List<Map.Entry<String, byte[]>> headerList(Header[] array) {
    List<Map.Entry<String, byte[]>> list = new ArrayList<>(array.length);
    for (Header h : array) {
      byte[] v = h.value(); // a copy the header made of the fetched bytes
      list.add(Map.entry(h.key(), v == null ? new byte[0] : v));
    }
    return List.copyOf(list);
  }

  private int check(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("record " + i + " of " + size);
    }
    return i;
  }
}
