/**
 * Fast ways for a job to write into PostgreSQL through its task's transaction: {@link
 * io.onceflow.connectors.postgres.CopyAppender} for append-only tables (COPY) and {@link
 * io.onceflow.connectors.postgres.DeltaUpsert} for counters (one sorted, array-bound upsert).
 *
 * <p>Both write only through the connection they are given and never end its transaction, which is
 * what keeps them exactly once: their rows commit with the task's offsets or not at all. Both reach
 * pgjdbc through {@code Connection.unwrap(PGConnection.class)}, so a pool's proxy works.
 */
package io.onceflow.connectors.postgres;
