package io.onceflow.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.onceflow.connectors.postgres.DeltaUpsert;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.postgresql.PGConnection;

/**
 * The plain hand-written loop of WORKLOAD.md, what a team writes without an engine: one thread,
 * one consumer assigned every partition, and per poll (up to 10,000 records) aggregate in a map,
 * then one upsert of the deltas plus one update of the partitions' offsets rows, in one
 * transaction. Exactly once too, but one poll at a time.
 */
final class Baseline {
  private static final JsonFactory JSON = new JsonFactory();

  private Baseline() {}

  /** Drains the topic into {@code table}; returns seconds. */
  static double run(String bootstrap, String topic, String url, String table) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(
                RawKafkaRead.consumerProperties(bootstrap, "bench-baseline"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
      String offsetsTable = table + "_offsets";
      RawPostgres.recreate(c, table, RawPostgres.AGG_COLUMNS);
      RawPostgres.recreate(
          c, offsetsTable, "partition int PRIMARY KEY, until_offset bigint NOT NULL");
      List<TopicPartition> tps = RawKafkaRead.partitions(consumer, topic);
      Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
      try (Statement s = c.createStatement()) {
        for (TopicPartition tp : tps) {
          s.execute("INSERT INTO " + offsetsTable + " VALUES (" + tp.partition() + ", 0)");
        }
      }
      c.setAutoCommit(false);
      String upsert = DeltaUpsert.into(c, table, "user_id", "events", "amount").upsertSql();
      String offsets =
          "UPDATE " + offsetsTable + " o SET until_offset = x.u"
              + " FROM unnest(?::int[], ?::bigint[]) AS x(p, u) WHERE o.partition = x.p";
      PGConnection pg = c.unwrap(PGConnection.class);
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      long start = System.nanoTime();
      long remaining = ends.values().stream().mapToLong(Long::longValue).sum();
      Map<String, long[]> totals = new HashMap<>();
      try (PreparedStatement up = c.prepareStatement(upsert);
          PreparedStatement off = c.prepareStatement(offsets)) {
        while (remaining > 0) {
          ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(500));
          if (polled.isEmpty()) {
            continue;
          }
          totals.clear();
          for (ConsumerRecord<byte[], byte[]> r : polled) {
            add(totals, r.value());
          }
          String[] keys = totals.keySet().toArray(new String[0]);
          Arrays.sort(keys);
          long[] events = new long[keys.length];
          long[] amount = new long[keys.length];
          for (int k = 0; k < keys.length; k++) {
            long[] t = totals.get(keys[k]);
            events[k] = t[0];
            amount[k] = t[1];
          }
          up.setArray(1, pg.createArrayOf("text", keys));
          up.setArray(2, pg.createArrayOf("int8", events));
          up.setArray(3, pg.createArrayOf("int8", amount));
          up.executeUpdate();
          var parts = polled.partitions();
          Integer[] ps = new Integer[parts.size()];
          Long[] us = new Long[parts.size()];
          int k = 0;
          for (TopicPartition tp : parts) {
            List<ConsumerRecord<byte[], byte[]>> rs = polled.records(tp);
            ps[k] = tp.partition();
            us[k++] = rs.get(rs.size() - 1).offset() + 1;
          }
          off.setArray(1, c.createArrayOf("int4", ps));
          off.setArray(2, c.createArrayOf("int8", us));
          off.executeUpdate();
          c.commit();
          remaining -= polled.count();
        }
      }
      return (System.nanoTime() - start) / 1e9;
    }
  }

  private static void add(Map<String, long[]> totals, byte[] value) {
    String user = null;
    long amount = 0;
    try (JsonParser p = JSON.createParser(value)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if ("user".equals(field)) {
          user = p.getText();
        } else if ("amount".equals(field)) {
          amount = p.getLongValue();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long[] t = totals.computeIfAbsent(user, u -> new long[2]);
    t[0]++;
    t[1] += amount;
  }
}
