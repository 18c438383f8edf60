package io.onceflow.crash;

/**
 * The named steps of the worker's and the driver's protocol at which a test can stop the process
 * (see {@link CrashPoints}). The README's "What happens when…" table lists the same names.
 */
public enum CrashPoint {
  /** Driver: the advisory lock is held and the epoch bumped, nothing planned yet. */
  DRIVER_LEADERSHIP_TAKEN("driver.leadership-taken"),
  /** Driver: batch and tasks written, the plan transaction not committed. */
  DRIVER_PLAN_WRITTEN("driver.plan-written"),
  /** Driver: the plan committed, before the driver does anything else. */
  DRIVER_PLAN_COMMITTED("driver.plan-committed"),
  /** Worker: a task claimed (lease taken), its records not read yet. */
  WORKER_CLAIMED("worker.claimed"),
  /** Worker: the task's records read from Kafka, no transaction open. */
  WORKER_RECORDS_READ("worker.records-read"),
  /** Worker: the fence moved the offset, inside the open transaction. */
  WORKER_FENCED("worker.fenced"),
  /** Worker: the job wrote its results, not committed. */
  WORKER_JOB_WRITTEN("worker.job-written"),
  /** Worker: dead letters written, not committed. */
  WORKER_DEAD_LETTERS_WRITTEN("worker.dead-letters-written"),
  /** Worker: the task row marked committed and the guard passed; COMMIT not sent. */
  WORKER_BEFORE_COMMIT("worker.before-commit"),
  /** Worker: COMMIT acknowledged, before the worker does anything else. */
  WORKER_COMMITTED("worker.committed"),
  /** Worker: leases renewed on the side connection. */
  WORKER_LEASE_RENEWED("worker.lease-renewed"),
  /** Relay: records and progress sent in an open Kafka transaction, not committed. */
  RELAY_BEFORE_COMMIT("relay.before-commit"),
  /** Relay: the Kafka transaction committed, its rows not yet deleted from the outbox. */
  RELAY_COMMITTED("relay.committed");

  private final String id;

  CrashPoint(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static CrashPoint byId(String id) {
    for (CrashPoint point : values()) {
      if (point.id.equals(id)) {
        return point;
      }
    }
    throw new IllegalArgumentException("Unknown crash point '" + id + "'");
  }
}
