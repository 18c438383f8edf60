package io.onceflow.it.compose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile as a list of instructions: comments and blank lines dropped, {@code \} continuation
 * lines joined. Enough to check what the runtime image declares, not a full parser (no heredocs, no
 * parser directives other than the comment they live in).
 */
record Dockerfile(List<Instruction> instructions) {
  private static final Pattern ENV_ENTRY =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)");

  /** One instruction: its keyword in upper case and the rest of the (joined) line. */
  record Instruction(String keyword, String arguments) {}

  static Dockerfile read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : lines) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      String text = current.toString().strip();
      current.setLength(0);
      if (text.isEmpty()) {
        continue;
      }
      int space = text.indexOf(' ');
      instructions.add(
          space < 0
              ? new Instruction(text.toUpperCase(Locale.ROOT), "")
              : new Instruction(
                  text.substring(0, space).toUpperCase(Locale.ROOT),
                  text.substring(space + 1).strip()));
    }
    return new Dockerfile(instructions);
  }

  /** The instructions of the last stage: what the image that runs is made of. */
  List<Instruction> finalStage() {
    int from = -1;
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).keyword().equals("FROM")) {
        from = i;
      }
    }
    return instructions.subList(from + 1, instructions.size());
  }

  /** The last instruction of the final stage with that keyword: the one that takes effect. */
  Optional<Instruction> last(String keyword) {
    List<Instruction> stage = finalStage();
    for (int i = stage.size() - 1; i >= 0; i--) {
      if (stage.get(i).keyword().equals(keyword)) {
        return Optional.of(stage.get(i));
      }
    }
    return Optional.empty();
  }

  /**
   * The environment the final stage's {@code ENV} instructions give every container ({@code
   * NAME=value} form; double quotes removed).
   */
  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    for (Instruction i : all("ENV")) {
      Matcher m = ENV_ENTRY.matcher(i.arguments());
      while (m.find()) {
        String value = m.group(2);
        env.put(
            m.group(1), value.startsWith("\"") ? value.substring(1, value.length() - 1) : value);
      }
    }
    return env;
  }

  /** Every instruction of the final stage with that keyword. */
  List<Instruction> all(String keyword) {
    return finalStage().stream().filter(i -> i.keyword().equals(keyword)).toList();
  }
}
