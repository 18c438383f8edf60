package io.onceflow.connectors.postgres;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Table and column names that are safe to splice into SQL.
 *
 * <p>Sink helpers build their statements from names a job author passes in (often from job
 * parameters), and a name cannot be a bind parameter. So a name must match {@code
 * [A-Za-z_][A-Za-z0-9_]*}, optionally qualified once by a schema ({@code schema.table}), and is
 * always double-quoted: reserved words such as {@code offset} work as column names, and the name is
 * used with its case exactly as given ({@code "Events"} is not {@code events}).
 */
public final class SqlIdentifier {

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

  /** PostgreSQL truncates longer names silently (NAMEDATALEN - 1); we refuse them instead. */
  private static final int MAX_LENGTH = 63;

  private SqlIdentifier() {}

  /** A quoted column name; rejects anything but a plain name. */
  public static String quoteColumn(String name) {
    check(name, NAME, "column");
    return '"' + name + '"';
  }

  /** A quoted table name, {@code table} or {@code schema.table}. */
  public static String quoteTable(String name) {
    check(name, QUALIFIED_NAME, "table");
    int dot = name.indexOf('.');
    if (dot < 0) {
      return '"' + name + '"';
    }
    String schema = name.substring(0, dot);
    String table = name.substring(dot + 1);
    checkLength(schema, name, "table");
    checkLength(table, name, "table");
    return '"' + schema + "\".\"" + table + '"';
  }

  /** Whether {@code name} is accepted by {@link #quoteTable}. */
  public static boolean isValidTable(String name) {
    if (name == null || !QUALIFIED_NAME.matcher(name).matches()) {
      return false;
    }
    for (String part : name.split("\\.")) {
      if (part.length() > MAX_LENGTH) {
        return false;
      }
    }
    return true;
  }

  private static void check(String name, Pattern pattern, String kind) {
    Objects.requireNonNull(name, () -> kind + " name must not be null");
    if (!pattern.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "invalid "
              + kind
              + " name '"
              + name
              + "': use letters, digits and _ (not starting with a digit)"
              + (kind.equals("table") ? ", optionally schema-qualified as schema.table" : ""));
    }
    if (kind.equals("column")) {
      checkLength(name, name, kind);
    }
  }

  private static void checkLength(String part, String name, String kind) {
    if (part.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "invalid " + kind + " name '" + name + "': a name part is longer than 63 characters");
    }
  }
}
