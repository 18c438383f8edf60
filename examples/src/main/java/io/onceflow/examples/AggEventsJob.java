package io.onceflow.examples;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.onceflow.api.Job;
import io.onceflow.api.JobSetup;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import io.onceflow.connectors.postgres.DeltaUpsert;
import io.onceflow.connectors.postgres.SinkTable;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka in, PostgreSQL and Kafka out, exactly once (docs/outbox.md): the AGG job's per-user
 * totals in {@code user_totals}, and for every user a task touched, one change event on the topic
 * {@code job.param.output.topic} (key: the user), emitted in the task's transaction:
 *
 * <pre>{"user":"u7","events":3,"amount":1532,"total_events":41,"total_amount":20117,
 *  "source":"bench.events-2","from":6000,"until":8000}</pre>
 *
 * <p>{@code events}/{@code amount} are what this task added, {@code total_*} the user's totals
 * after it. A user's records are all in one source partition (the key is the user), so a user's
 * events follow each other in order and each one's totals are the previous one's plus its delta:
 * a consumer can check that nothing was lost or applied twice.
 */
public final class AggEventsJob implements Job<byte[]> {
  public static final String OUTPUT_TOPIC_PARAM = "output.topic";

  private final EventParser event = new EventParser();
  private String table = AggJob.DEFAULT_TABLE;
  private String outputTopic;

  @Override
  public void open(JobSetup setup) throws SQLException {
    table = SinkTables.table(setup, AggJob.DEFAULT_TABLE);
    outputTopic = setup.params().get(OUTPUT_TOPIC_PARAM);
    if (outputTopic == null || outputTopic.isBlank()) {
      throw new IllegalArgumentException("AggEventsJob needs job.param." + OUTPUT_TOPIC_PARAM
          + ": the topic its change events go to");
    }
    SinkTable.createIfMissing(
        setup.setupConnection(),
        table,
        "user_id text PRIMARY KEY, events bigint NOT NULL, amount bigint NOT NULL");
  }

  @Override
  public void process(List<Record<byte[]>> records, TaskContext context) throws SQLException {
    Map<String, long[]> deltas = new LinkedHashMap<>();
    for (Record<byte[]> record : records) {
      try {
        event.parse(record.value());
      } catch (InvalidEventException invalid) {
        context.deadLetter(record, invalid);
        continue;
      }
      long[] d = deltas.computeIfAbsent(event.user(), u -> new long[2]);
      d[0]++;
      d[1] += event.amount();
    }
    if (deltas.isEmpty()) {
      return;
    }
    DeltaUpsert totals =
        DeltaUpsert.into(context.connection(), table, "user_id", "events", "amount");
    deltas.forEach((user, d) -> totals.add(user, d[0], d[1]));
    totals.flush();
    String source = context.range().topic() + "-" + context.range().partition();
    try (PreparedStatement s = context.connection().prepareStatement(
        "SELECT user_id, events, amount FROM " + table + " WHERE user_id = ANY (?)")) {
      Array users = context.connection().createArrayOf("text", deltas.keySet().toArray());
      s.setArray(1, users);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String user = rs.getString(1);
          long[] d = deltas.get(user);
          String change = "{\"user\":\"" + quoted(user) + "\",\"events\":" + d[0]
              + ",\"amount\":" + d[1] + ",\"total_events\":" + rs.getLong(2)
              + ",\"total_amount\":" + rs.getLong(3) + ",\"source\":\"" + quoted(source)
              + "\",\"from\":" + context.range().from() + ",\"until\":"
              + context.range().until() + "}";
          context.emit(outputTopic, user, change);
        }
      }
    }
  }

  private static String quoted(String text) {
    return new String(JsonStringEncoder.getInstance().quoteAsString(text));
  }
}
