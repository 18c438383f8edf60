package io.onceflow.examples;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The shared benchmark workload of {@code bench/WORKLOAD.md} as a pure formula of the record index
 * {@code i} (0-based): what the producer sends, what the jobs read and what the ground truth
 * expects all come from here, so they cannot drift apart.
 *
 * <ul>
 *   <li>key and user: {@code "u" + (i % users)} (users = 100,000 by default);
 *   <li>amount: {@code (i * 7919) % 1000}; ts: {@code 1700000000000 + i};
 *   <li>value: UTF-8 JSON {@code {"user":…,"amount":…,"ts":…,"pad":"xxx…"}}, padded with {@code x}
 *       to exactly 100 bytes (it would be empty if the fields alone were longer, which no {@code
 *       long} index with an {@code int} user count reaches: they take at most 69).
 * </ul>
 *
 * <p>A workload can mix in <em>malformed</em> records to exercise dead-lettering: each index is
 * malformed or not by a hash of {@code (seed, i)} against a fraction, so the same configuration
 * always picks the same records, in any process and any order. By default none are.
 *
 * <p>Immutable and thread-safe.
 */
public final class Workload {

  /** WORKLOAD.md's topic, partition count and record count. */
  public static final String TOPIC = "bench.events";

  public static final int PARTITIONS = 8;
  public static final long RECORDS = 5_000_000L;

  public static final int DEFAULT_USERS = 100_000;
  public static final int VALUE_BYTES = 100;
  public static final long TS_BASE = 1_700_000_000_000L;

  private static final Workload STANDARD = new Workload(DEFAULT_USERS, 0.0, 0L);

  private final int users;
  private final double malformedFraction;
  private final long malformedSeed;

  private Workload(int users, double malformedFraction, long malformedSeed) {
    if (users < 1) {
      throw new IllegalArgumentException("users must be >= 1, was " + users);
    }
    if (!(malformedFraction >= 0.0 && malformedFraction <= 1.0)) {
      throw new IllegalArgumentException(
          "malformed fraction must be in [0, 1], was " + malformedFraction);
    }
    this.users = users;
    this.malformedFraction = malformedFraction;
    this.malformedSeed = malformedSeed;
  }

  /** Exactly WORKLOAD.md: 100,000 users, no malformed records. */
  public static Workload standard() {
    return STANDARD;
  }

  /** The same workload over fewer (or more) users, for small demos and tests. */
  public Workload withUsers(int newUsers) {
    return new Workload(newUsers, malformedFraction, malformedSeed);
  }

  /**
   * The same workload with about {@code fraction} of the records malformed (0.001 = 0.1 %), chosen
   * deterministically by {@code seed}.
   */
  public Workload withMalformed(double fraction, long seed) {
    return new Workload(users, fraction, seed);
  }

  public int users() {
    return users;
  }

  public double malformedFraction() {
    return malformedFraction;
  }

  public long malformedSeed() {
    return malformedSeed;
  }

  /** The user number of record {@code i}: the digits after {@code u}. */
  public int userNumber(long i) {
    return (int) (index(i) % users);
  }

  public String user(long i) {
    return "u" + userNumber(i);
  }

  /** The record key: the user, so all records of a user share a partition. */
  public String key(long i) {
    return user(i);
  }

  public byte[] keyBytes(long i) {
    return key(i).getBytes(StandardCharsets.UTF_8);
  }

  /** {@code (i * 7919) % 1000}, computed without overflow for every non-negative {@code i}. */
  public static long amount(long i) {
    return (index(i) % 1000) * 7919 % 1000;
  }

  /** {@code 1700000000000 + i}; an index so large that ts overflows is refused. */
  public static long ts(long i) {
    return Math.addExact(TS_BASE, index(i));
  }

  /** The well-formed JSON value of record {@code i}, 100 bytes long. */
  public byte[] value(long i) {
    StringBuilder json = new StringBuilder(VALUE_BYTES);
    json.append("{\"user\":\"u")
        .append(userNumber(i))
        .append("\",\"amount\":")
        .append(amount(i))
        .append(",\"ts\":")
        .append(ts(i))
        .append(",\"pad\":\"");
    for (int pad = VALUE_BYTES - json.length() - 2; pad > 0; pad--) {
      json.append('x');
    }
    json.append("\"}");
    return json.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A value that is not JSON: record {@code i}'s value cut off inside its pad, like a torn write.
   * It starts with a valid user and amount, so a parser that stops early would accept it.
   */
  public byte[] malformedValue(long i) {
    byte[] value = value(i);
    return java.util.Arrays.copyOf(value, value.length - 2);
  }

  /** Whether record {@code i} is one of the malformed records this workload mixes in. */
  public boolean isMalformed(long i) {
    if (malformedFraction == 0.0) {
      return false;
    }
    long h = mix64(index(i) * 0x9E3779B97F4A7C15L + malformedSeed);
    return (h >>> 11) * 0x1.0p-53 < malformedFraction;
  }

  /** What the producer sends for record {@code i}: its value, or its malformed value. */
  public byte[] payload(long i) {
    return isMalformed(i) ? malformedValue(i) : value(i);
  }

  /** How many of the records {@code [0, n)} are malformed. */
  public long malformedCount(long n) {
    if (malformedFraction == 0.0) {
      return 0;
    }
    long count = 0;
    for (long i = 0; i < n; i++) {
      if (isMalformed(i)) {
        count++;
      }
    }
    return count;
  }

  /**
   * The partition Kafka's default partitioner gives record {@code i} in a topic of {@code
   * partitions} partitions: murmur2 of the key bytes, made positive, modulo the count.
   */
  public int partitionOf(long i, int partitions) {
    return partitionOfUser(userNumber(i), partitions);
  }

  /** {@link #partitionOf} by user number: every record of a user lands in the same partition. */
  public static int partitionOfUser(int userNumber, int partitions) {
    byte[] key = ("u" + userNumber).getBytes(StandardCharsets.UTF_8);
    return Utils.toPositive(Utils.murmur2(key)) % partitions;
  }

  @Override
  public String toString() {
    return "Workload[users="
        + users
        + (malformedFraction > 0 ? ", malformed=" + malformedFraction + "@" + malformedSeed : "")
        + "]";
  }

  private static long index(long i) {
    if (i < 0) {
      throw new IllegalArgumentException("record index must be >= 0, was " + i);
    }
    return i;
  }

  /** SplitMix64's finalizer: a cheap, well-mixed hash of a long. */
  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
