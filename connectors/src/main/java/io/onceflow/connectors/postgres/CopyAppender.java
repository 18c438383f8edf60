package io.onceflow.connectors.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Appends rows to a table with {@code COPY … FROM STDIN} on the task's connection: the fastest way
 * into PostgreSQL, several times an {@code INSERT} batch.
 *
 * <pre>{@code
 * CopyAppender events = CopyAppender.to(context.connection(), "events", "partition", "offset", "user_id");
 * for (Record<byte[]> r : records) {
 *   events.beginRow().add(r.partition()).add(r.offset()).add(userOf(r)).endRow();
 * }
 * events.flush();
 * }</pre>
 *
 * <p><b>Transaction.</b> Rows are encoded into a byte buffer and sent by {@link #flush()} in one
 * COPY inside the caller's open transaction; the appender never commits, rolls back or closes the
 * connection, so the rows commit with the task's offsets or vanish with them. Rows still buffered
 * when the task ends are never written: call {@code flush()} before returning from {@code
 * Job.process}. A failed flush discards the buffer; the transaction is aborted anyway and the
 * engine re-runs the task from its first record.
 *
 * <p><b>Memory.</b> When the buffer passes {@link #maxBufferBytes(int)} (16 MiB by default) the
 * rows so far go out in a COPY of their own, so a huge task costs one extra round trip per chunk
 * instead of unbounded heap. Between calls no COPY is left open, so the job may run other
 * statements on the connection at any time.
 *
 * <p><b>Values.</b> {@code null}, strings (any Unicode except NUL), integers, floating point,
 * booleans ({@code t}/{@code f}), {@code byte[]} as {@code bytea}; anything else is written as its
 * {@code toString()} and parsed by PostgreSQL as the column's type. A value that cannot be encoded
 * fails the one row with {@link IllegalArgumentException} and leaves earlier rows intact, so the
 * job can dead-letter that record and go on.
 *
 * <p>Confined to the thread of the task that created it; use one appender per task.
 */
public final class CopyAppender {

  private static final int DEFAULT_MAX_BUFFER_BYTES = 16 << 20;
  private static final int INITIAL_BUFFER_BYTES = 64 << 10;

  private final Connection connection;
  private final String table;
  private final String[] columns;
  private final Row row = new Row();

  private CopyFormat format = CopyFormat.TEXT;
  private int maxBufferBytes = DEFAULT_MAX_BUFFER_BYTES;
  private CopyRowEncoder encoder;
  private String copySql;
  private CopyIn copyIn;

  private boolean rowOpen;
  private int rowStart;
  private int valuesInRow;
  private int bufferedRows;
  private long sentRows;

  private CopyAppender(Connection connection, String table, String[] columns) {
    this.connection = Objects.requireNonNull(connection, "connection");
    if (columns.length == 0) {
      throw new IllegalArgumentException("COPY into " + table + " needs at least one column");
    }
    this.table = SqlIdentifier.quoteTable(table);
    this.columns = new String[columns.length];
    for (int i = 0; i < columns.length; i++) {
      this.columns[i] = SqlIdentifier.quoteColumn(columns[i]);
    }
  }

  /**
   * An appender for {@code table (columns…)} in TEXT format. Names are validated and quoted (see
   * {@link SqlIdentifier}); every row must give exactly one value per column.
   */
  public static CopyAppender to(Connection connection, String table, String... columns) {
    return new CopyAppender(connection, table, columns.clone());
  }

  /** Switches the wire format; only before the first row. */
  public CopyAppender format(CopyFormat newFormat) {
    requireEmpty("format");
    this.format = Objects.requireNonNull(newFormat, "format");
    this.encoder = null;
    this.copySql = null;
    return this;
  }

  /** The buffer size at which rows are sent early, in a COPY of their own. */
  public CopyAppender maxBufferBytes(int bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("maxBufferBytes must be >= 1, was " + bytes);
    }
    this.maxBufferBytes = bytes;
    return this;
  }

  /** Buffers one row; {@code values} in column order, boxed: for convenience, not the hot path. */
  public CopyAppender row(Object... values) throws SQLException {
    if (values.length != columns.length) {
      throw new IllegalArgumentException(
          "a row of " + table + " needs " + columns.length + " values, got " + values.length);
    }
    Row r = beginRow();
    for (Object value : values) {
      r.add(value);
    }
    return r.endRow();
  }

  /** Starts a row to fill value by value without boxing; finish it with {@link Row#endRow()}. */
  public Row beginRow() {
    if (rowOpen) {
      throw new IllegalStateException("beginRow() while a row is open: call endRow() first");
    }
    if (encoder == null) {
      encoder = new CopyRowEncoder(format, Math.min(INITIAL_BUFFER_BYTES, maxBufferBytes + 1024));
    }
    rowOpen = true;
    rowStart = encoder.size();
    valuesInRow = 0;
    return row;
  }

  /**
   * Sends the buffered rows in one COPY and returns how many rows were written since the last flush
   * (counting any sent early because the buffer was full). An empty flush sends nothing.
   */
  public long flush() throws SQLException {
    if (rowOpen) {
      throw new IllegalStateException("flush() inside an unfinished row: call endRow() first");
    }
    sendBuffered();
    long written = sentRows;
    sentRows = 0;
    return written;
  }

  /** Rows buffered and not yet sent. */
  public int bufferedRows() {
    return bufferedRows;
  }

  /** The statement this appender runs, for logs and tests. */
  public String copySql() {
    if (copySql == null) {
      copySql =
          "COPY "
              + table
              + " ("
              + String.join(", ", columns)
              + ") FROM STDIN"
              + (format == CopyFormat.CSV ? " WITH (FORMAT csv)" : "");
    }
    return copySql;
  }

  private void sendBuffered() throws SQLException {
    if (bufferedRows == 0) {
      return;
    }
    int expected = bufferedRows;
    try {
      CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql());
      copyIn = copy;
      copy.writeToCopy(encoder.buffer(), 0, encoder.size());
      long written = copy.endCopy();
      if (written != expected) {
        // Only an escaping bug could split or merge rows; never let it pass unnoticed.
        throw new SQLException(
            "COPY into " + table + " wrote " + written + " rows but " + expected + " were sent");
      }
    } finally {
      cancelIfActive();
      encoder.clear();
      bufferedRows = 0;
    }
    sentRows += expected;
  }

  /** A COPY left active after an error would make every later statement on the connection fail. */
  private void cancelIfActive() {
    CopyIn copy = copyIn;
    copyIn = null;
    if (copy != null && copy.isActive()) {
      try {
        copy.cancelCopy();
      } catch (SQLException ignored) {
        // The original failure is the one worth reporting; the transaction is aborted anyway.
      }
    }
  }

  private void requireEmpty(String setting) {
    if (rowOpen || bufferedRows > 0 || sentRows > 0) {
      throw new IllegalStateException(setting + " can only be set before the first row");
    }
  }

  /**
   * One row being filled: {@code add} one value per column in order, then {@link #endRow()}. The
   * same instance is handed out by every {@link #beginRow()}; do not keep it across rows.
   */
  public final class Row {

    private Row() {}

    public Row add(int value) {
      return add((long) value);
    }

    public Row add(long value) {
      nextValue().writeLong(value);
      return this;
    }

    public Row add(double value) {
      nextValue().writeDouble(value);
      return this;
    }

    public Row add(boolean value) {
      nextValue().writeBoolean(value);
      return this;
    }

    /** A text value, or NULL when {@code value} is null. */
    public Row add(String value) {
      CopyRowEncoder e = nextValue();
      if (value == null) {
        e.writeNull();
        return this;
      }
      try {
        e.writeString(value);
      } catch (IllegalArgumentException invalid) {
        throw abandon("column " + columns[valuesInRow - 1] + ": " + invalid.getMessage());
      }
      return this;
    }

    /**
     * A text value given as its UTF-8 bytes {@code utf8[from, to)}, written exactly as {@link
     * #add(String)} writes the decoded text, but with no {@code String} in between when the bytes
     * are ASCII (a field sliced out of a record's value, say). Bytes that are not well-formed
     * UTF-8, or a NUL, fail the one row with {@link IllegalArgumentException}.
     */
    public Row addUtf8(byte[] utf8, int from, int to) {
      java.util.Objects.checkFromToIndex(from, to, utf8.length);
      CopyRowEncoder e = nextValue();
      try {
        e.writeUtf8(utf8, from, to);
      } catch (IllegalArgumentException invalid) {
        throw abandon("column " + columns[valuesInRow - 1] + ": " + invalid.getMessage());
      }
      return this;
    }

    /** A {@code bytea} value, or NULL when {@code value} is null. */
    public Row add(byte[] value) {
      CopyRowEncoder e = nextValue();
      if (value == null) {
        e.writeNull();
      } else {
        e.writeBytea(value);
      }
      return this;
    }

    /**
     * Any value, dispatched on its runtime type (see the class doc); boxes, so not for hot loops.
     */
    public Row add(Object value) {
      if (value == null) {
        return addNull();
      } else if (value instanceof String) {
        return add((String) value);
      } else if (value instanceof Long
          || value instanceof Integer
          || value instanceof Short
          || value instanceof Byte) {
        return add(((Number) value).longValue());
      } else if (value instanceof Double) {
        return add(((Double) value).doubleValue());
      } else if (value instanceof Float) {
        nextValue().writeFloat((Float) value);
        return this;
      } else if (value instanceof Boolean) {
        return add(((Boolean) value).booleanValue());
      } else if (value instanceof byte[]) {
        return add((byte[]) value);
      } else if (value instanceof java.math.BigDecimal) {
        return add(((java.math.BigDecimal) value).toPlainString());
      } else {
        return add(value.toString());
      }
    }

    public Row addNull() {
      nextValue().writeNull();
      return this;
    }

    /**
     * Closes the row. Sends the buffer early when it has grown past {@link #maxBufferBytes(int)},
     * hence the {@code SQLException}.
     */
    public CopyAppender endRow() throws SQLException {
      requireOpen();
      if (valuesInRow != columns.length) {
        throw abandon(
            "a row of " + table + " needs " + columns.length + " values, got " + valuesInRow);
      }
      encoder.endOfRow();
      rowOpen = false;
      bufferedRows++;
      if (encoder.size() >= maxBufferBytes) {
        sendBuffered();
      }
      return CopyAppender.this;
    }

    private CopyRowEncoder nextValue() {
      requireOpen();
      if (valuesInRow == columns.length) {
        throw abandon("a row of " + table + " has only " + columns.length + " columns");
      }
      if (valuesInRow++ > 0) {
        encoder.delimiter();
      }
      return encoder;
    }

    private void requireOpen() {
      if (!rowOpen) {
        throw new IllegalStateException("no open row: call beginRow() first");
      }
    }

    /** Forgets the half-written row so the buffer holds only whole rows, then reports why. */
    private IllegalArgumentException abandon(String message) {
      encoder.truncate(rowStart);
      rowOpen = false;
      return new IllegalArgumentException(message);
    }
  }
}
