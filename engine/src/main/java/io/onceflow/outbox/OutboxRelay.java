package io.onceflow.outbox;

import io.onceflow.config.OnceflowConfig;
import io.onceflow.crash.CrashPoint;
import io.onceflow.crash.CrashPoints;
import io.onceflow.ledger.Database;
import io.onceflow.ledger.OutboxStore;
import io.onceflow.ledger.PartitionId;
import io.onceflow.metrics.EngineMetrics;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the job's outbox to Kafka, exactly once, while this process's driver leads the job
 * (docs/outbox.md). One loop:
 *
 * <ol>
 *   <li>Start (once): a transactional producer with the job's {@code transactional.id}; its {@code
 *       initTransactions()} fences every older producer of that id (a relay left behind by a
 *       driver that lost its leadership) and ends its open transaction. Only then is the progress
 *       read back from Kafka ({@link RelayProgress}): nothing can change it any more but us.
 *   <li>Read each stream's committed outbox rows numbered above its progress, in seq order (commit
 *       order within the stream, see migration V7), up to {@code outbox.relay.max.records}.
 *   <li>In one Kafka transaction: the records, then one progress record per stream. Commit.
 *   <li>Only after the commit: record the progress in PostgreSQL and delete the published rows, a
 *       short transaction per stream. A crash before it leaves rows the next relay skips (its
 *       progress comes from Kafka) and deletes.
 * </ol>
 *
 * <p>Fenced, the relay stops publishing and closes its producer; it starts again only when its
 * driver leads again. Any other error aborts the transaction, closes the producer (so the next
 * start reads the progress again) and is retried with a growing pause, logged with the record or
 * topic it concerns: nothing is deleted from the outbox before Kafka has it.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread.
 */
public final class OutboxRelay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final long MAX_BACKOFF_MS = 30_000;
  private static final long KAFKA_TIMEOUT_MS = 60_000;

  private final OnceflowConfig config;
  private final Database database;
  private final BooleanSupplier leading;
  private final EngineMetrics metrics;
  private final Thread thread;
  private volatile boolean running = true;

  // The relay thread's own state.
  private KafkaProducer<byte[], byte[]> producer;
  private RelayProgress progress;
  private OutputTopics topics;
  private Connection connection;
  private long backoffMs;

  public OutboxRelay(OnceflowConfig config, Database database, BooleanSupplier leading,
      EngineMetrics metrics) {
    this.config = config;
    this.database = database;
    this.leading = leading;
    this.metrics = metrics;
    this.thread = new Thread(this::run, "onceflow-outbox-relay");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        boolean busy = false;
        if (!leading.getAsBoolean()) {
          stopPublishing();
          metrics.outboxPending(0);
        } else {
          busy = step();
        }
        if (!busy) {
          TimeUnit.MILLISECONDS.sleep(backoffMs > 0 ? backoffMs : config.outboxRelayIntervalMs());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // close() stops us
    } finally {
      stopPublishing();
      closeConnection();
    }
  }

  /** One round; true when it published something (look again at once). */
  private boolean step() {
    try {
      if (producer == null && !startPublishing()) {
        return false;
      }
      int published = relayOnce();
      backoffMs = 0;
      return published > 0;
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      log.warn("The outbox relay of job '{}' was fenced: a newer relay with transactional.id '{}'"
          + " has started (this driver lost its leadership). It publishes nothing more; its open"
          + " transaction is aborted. ({})", config.jobName(), config.outboxTransactionalId(),
          e.getMessage());
      stopPublishing();
      return false;
    } catch (RuntimeException | SQLException e) {
      if (!running) {
        return false;
      }
      backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(500, backoffMs * 2));
      log.error("The outbox relay of job '{}' failed; nothing is lost (rows leave the outbox only"
          + " after Kafka has them), trying again in {} ms: {}", config.jobName(), backoffMs,
          e.getMessage(), e);
      stopPublishing();
      closeConnection();
      return false;
    }
  }

  /** Starts the producer when the outbox has rows; false when there is nothing to do yet. */
  private boolean startPublishing() throws SQLException {
    Connection c = connection();
    if (!OutboxStore.hasRows(c, config.jobName())) {
      metrics.outboxPending(0);
      return false;
    }
    String incarnation = OutboxStore.incarnation(c, config.jobName());
    topics = new OutputTopics(config.kafkaAdminProperties(), KAFKA_TIMEOUT_MS);
    topics.ensureProgressTopic(config.outboxProgressTopic());
    producer = new KafkaProducer<>(config.kafkaProducerProperties());
    try {
      producer.initTransactions(); // fences older producers of this id, ends their transactions
    } catch (KafkaException e) {
      throw new KafkaException("Kafka refused to start the outbox relay's transactions with"
          + " transactional.id '" + config.outboxTransactionalId() + "' for job '"
          + config.jobName() + "': " + e + ". The principal needs WRITE and DESCRIBE on that"
          + " TransactionalId (or set outbox.transactional.id to one it has), and the brokers"
          + " need transactions (transaction.state.log.* settings that the cluster can meet).", e);
    }
    progress = RelayProgress.read(config.kafkaConsumerProperties(), config.outboxProgressTopic(),
        config.jobName(), incarnation, KAFKA_TIMEOUT_MS);
    log.info("Outbox relay of job '{}' publishing as transactional.id '{}'", config.jobName(),
        config.outboxTransactionalId());
    return true;
  }

  private int relayOnce() throws SQLException {
    Connection c = connection();
    String job = config.jobName();
    List<OutboxStore.Row> rows = new ArrayList<>();
    long pending = 0;
    List<OutboxStore.Pending> streams = OutboxStore.pending(c, job);
    for (OutboxStore.Pending p : streams) {
      long from = Math.max(progress.of(p.stream()), p.relayedSeq());
      pending += Math.max(0, p.lastSeq() - from);
      int room = config.outboxRelayMaxRecords() - rows.size();
      if (room > 0 && p.lastSeq() > from) {
        rows.addAll(OutboxStore.after(c, job, p.stream(), from, room));
      }
    }
    if (rows.isEmpty()) {
      metrics.outboxPending(pending);
      deleteAlreadyPublished(c, streams);
      return 0;
    }
    topics.requireExist(rows);
    Map<PartitionId, Long> last = publish(rows);
    CrashPoints.reach(CrashPoint.RELAY_COMMITTED);
    metrics.outboxRelayed(rows.size());
    metrics.outboxPending(pending - rows.size());
    for (Map.Entry<PartitionId, Long> e : last.entrySet()) {
      OutboxStore.relayed(c, job, e.getKey(), e.getValue()); // autocommit: one per stream
    }
    return rows.size();
  }

  /** One Kafka transaction: the rows, then each stream's progress; committed or thrown. */
  private Map<PartitionId, Long> publish(List<OutboxStore.Row> rows) {
    Map<PartitionId, Long> last = new LinkedHashMap<>();
    FirstFailure failure = new FirstFailure();
    producer.beginTransaction();
    OutboxStore.Row sending = null;
    try {
      for (OutboxStore.Row row : rows) {
        sending = row;
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
            row.topic(), row.partition(), null, row.key(), row.value(), headers(row));
        producer.send(record, (metadata, error) -> failure.note(row, error));
        last.put(row.stream(), row.seq());
      }
      sending = null;
      last.forEach((stream, seq) -> producer.send(progress.record(stream, seq),
          (metadata, error) -> failure.note(null, error)));
      CrashPoints.reach(CrashPoint.RELAY_BEFORE_COMMIT);
      producer.commitTransaction(); // flushes; throws if any send failed
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      throw e;
    } catch (KafkaException e) {
      failure.note(sending, e); // a send that failed at once (e.g. larger than max.request.size)
      throw failure.explain(e);
    }
    progress.advance(last);
    return last;
  }

  /** Rows Kafka holds (a relay stopped between its commit and its deletes) leave the outbox. */
  private void deleteAlreadyPublished(Connection c, List<OutboxStore.Pending> streams)
      throws SQLException {
    for (OutboxStore.Pending p : streams) {
      if (progress.of(p.stream()) > p.relayedSeq()) {
        OutboxStore.relayed(c, config.jobName(), p.stream(), progress.of(p.stream()));
      }
    }
  }

  private static List<org.apache.kafka.common.header.Header> headers(OutboxStore.Row row) {
    List<org.apache.kafka.common.header.Header> headers = new ArrayList<>(row.headers().size());
    row.headers().forEach(h -> headers.add(new RecordHeader(h.getKey(), h.getValue())));
    return headers;
  }

  private Connection connection() throws SQLException {
    if (connection == null || connection.isClosed()) {
      connection = database.dedicatedConnection();
      connection.setAutoCommit(true);
    }
    return connection;
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // broken already: a new one is opened next time
      }
      connection = null;
    }
  }

  /** Closes the producer (aborting an open transaction) and forgets the progress. */
  private void stopPublishing() {
    if (producer != null) {
      try {
        producer.close(java.time.Duration.ofSeconds(5));
      } catch (RuntimeException ignored) {
        // fenced or unreachable: nothing of an uncommitted transaction becomes visible
      }
      producer = null;
    }
    if (topics != null) {
      topics.close();
      topics = null;
    }
    progress = null;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The first send that failed in a transaction, to name the record in the error. */
  private static final class FirstFailure {
    private volatile OutboxStore.Row row;
    private volatile Exception error;

    void note(OutboxStore.Row failedRow, Exception e) {
      if (e != null && error == null) {
        row = failedRow;
        error = e;
      }
    }

    KafkaException explain(KafkaException commitError) {
      if (error == null) {
        return commitError;
      }
      String what = row == null ? "the relay's progress record" : row.describe();
      return new KafkaException("Kafka refused " + what + ": " + error + ". Fix the cause (a"
          + " record too large for the topic's max.message.bytes, a missing right to write the"
          + " topic) and the relay publishes it on its next try; the transaction was aborted and"
          + " nothing of it is visible to read_committed consumers.", error);
    }
  }
}
