package io.onceflow.examples;

import java.util.Arrays;

/**
 * Where the default partitioner put each record of {@code [0, n)}, assuming one producer wrote them
 * in index order into a fresh topic.
 *
 * <p>A record's partition depends only on its user, so partition {@code p} holds the users {@code
 * U_p} (sorted) and receives, in offset order, block after block of {@code users} indices: {@code b
 * * users + u} for each {@code u} in {@code U_p}. Offset {@code o} of {@code p} is therefore record
 * {@code (o / |U_p|) * users + U_p[o % |U_p|]}, computed in O(1) instead of storing n offsets.
 */
final class PartitionLayout {

  private final int users;
  private final int[][] usersOf;
  private final long[] counts;

  PartitionLayout(Workload workload, long n, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
    }
    this.users = workload.users();
    int[] sizes = new int[partitions];
    int[] partitionOf = new int[users];
    for (int u = 0; u < users; u++) {
      partitionOf[u] = Workload.partitionOfUser(u, partitions);
      sizes[partitionOf[u]]++;
    }
    usersOf = new int[partitions][];
    for (int p = 0; p < partitions; p++) {
      usersOf[p] = new int[sizes[p]];
      sizes[p] = 0;
    }
    for (int u = 0; u < users; u++) {
      int p = partitionOf[u];
      usersOf[p][sizes[p]++] = u; // ascending u: each list is sorted
    }
    counts = new long[partitions];
    long fullBlocks = n / users;
    int rest = (int) (n % users);
    for (int p = 0; p < partitions; p++) {
      int inLastBlock = Arrays.binarySearch(usersOf[p], rest);
      counts[p] =
          fullBlocks * usersOf[p].length + (inLastBlock >= 0 ? inLastBlock : -inLastBlock - 1);
    }
  }

  int partitions() {
    return counts.length;
  }

  /** Records in partition {@code p}: its end offset. */
  long count(int p) {
    return counts[p];
  }

  /** The record index at {@code offset} of partition {@code p}; the offset must be below count. */
  long indexAt(int p, long offset) {
    int[] own = usersOf[p];
    return (offset / own.length) * users + own[(int) (offset % own.length)];
  }
}
