package io.onceflow.app;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table for the admin commands: a header, rows, columns padded to their widest
 * cell, numbers (cells starting with a digit or a minus) right-aligned.
 */
final class TextTable {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  TextTable(String... header) {
    this.header = List.of(header);
  }

  TextTable row(Object... cells) {
    List<String> row = new ArrayList<>();
    for (Object cell : cells) {
      row.add(cell == null ? "-" : cell.toString());
    }
    rows.add(row);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  void print(PrintWriter out) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    out.println(line(header, widths, false));
    for (List<String> row : rows) {
      out.println(line(row, widths, true));
    }
  }

  private static String line(List<String> cells, int[] widths, boolean alignNumbers) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      String cell = cells.get(i);
      boolean number = alignNumbers && cell.matches("-?[0-9][0-9,.]*( ms| s|%)?");
      String pad = " ".repeat(widths[i] - cell.length());
      b.append(i == 0 ? "  " : "  ").append(number ? pad + cell : cell + pad);
    }
    return b.toString().stripTrailing();
  }
}
