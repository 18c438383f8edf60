package io.onceflow.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed Prometheus text exposition (version 0.0.4): every sample with its labels, and the
 * {@code # HELP} of every family. Strict: a line it cannot read fails the test.
 */
final class Prometheus {
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+\\d+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  record Sample(String name, Map<String, String> labels, double value) {}

  final List<Sample> samples = new ArrayList<>();
  final Map<String, String> help = new LinkedHashMap<>();

  static Prometheus parse(String text) {
    Prometheus p = new Prometheus();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("# HELP ")) {
        String[] parts = line.substring(7).split(" ", 2);
        p.help.put(parts[0], parts.length > 1 ? parts[1] : "");
        continue;
      }
      if (line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("not a Prometheus sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      p.samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
    }
    return p;
  }

  List<Sample> named(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  /** The sum of every sample of {@code name}; fails when there is none. */
  double sum(String name) {
    List<Sample> found = named(name);
    if (found.isEmpty()) {
      throw new AssertionError("no sample named " + name);
    }
    return found.stream().mapToDouble(Sample::value).sum();
  }
}
