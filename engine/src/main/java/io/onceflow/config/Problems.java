package io.onceflow.config;

import io.onceflow.api.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem of a configuration before failing, so one start-up attempt shows the user
 * everything to fix, one problem per line, instead of one mistake per restart.
 */
final class Problems {

  private final List<String> lines = new ArrayList<>();

  void add(String line) {
    lines.add(line);
  }

  boolean isEmpty() {
    return lines.isEmpty();
  }

  /**
   * @throws ConfigException listing every problem, when there is one
   */
  void throwIfAny() {
    if (lines.isEmpty()) {
      return;
    }
    if (lines.size() == 1) {
      throw new ConfigException(lines.get(0));
    }
    StringBuilder message =
        new StringBuilder("The configuration has ").append(lines.size()).append(" problems:");
    for (String line : lines) {
      message.append("\n  - ").append(line);
    }
    throw new ConfigException(message.toString());
  }
}
