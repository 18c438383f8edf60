package io.onceflow.examples;

/**
 * What the AGG job must have written after the records {@code [0, n)}: events and amount per user
 * number, from the formula alone. Malformed records are not in the totals; they are expected as
 * dead letters.
 */
public final class AggTotals {

  private final long records;
  private final long malformed;
  private final long[] events;
  private final long[] amount;

  AggTotals(long records, long malformed, long[] events, long[] amount) {
    this.records = records;
    this.malformed = malformed;
    this.events = events;
    this.amount = amount;
  }

  /** {@code n}: records produced, malformed ones included. */
  public long records() {
    return records;
  }

  public long malformed() {
    return malformed;
  }

  /** Number of user slots (the workload's user count), with or without events. */
  public int userSlots() {
    return events.length;
  }

  public long events(int userNumber) {
    return events[userNumber];
  }

  public long amount(int userNumber) {
    return amount[userNumber];
  }

  public long totalEvents() {
    return records - malformed;
  }

  public long totalAmount() {
    long sum = 0;
    for (long a : amount) {
      sum += a;
    }
    return sum;
  }

  /** Users with at least one event: the rows {@code user_totals} must hold. */
  public int usersWithEvents() {
    int count = 0;
    for (long e : events) {
      if (e > 0) {
        count++;
      }
    }
    return count;
  }
}
