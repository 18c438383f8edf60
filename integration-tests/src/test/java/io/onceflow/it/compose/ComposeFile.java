package io.onceflow.it.compose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The repository's {@code docker-compose.yml}, read the way Compose reads it, so that tests can
 * check it and run its topology without a Docker engine.
 *
 * <p>Parsed with SnakeYAML rather than Jackson's YAML module: the file shares the engine services'
 * settings through an anchor and merge keys ({@code <<: *engine}), which SnakeYAML resolves and
 * Jackson's YAML parser does not (it reports an alias as a plain string).
 *
 * <p>Values are interpolated like Compose does: {@code $$} is a literal {@code $}; {@code ${VAR}},
 * {@code $VAR}, {@code ${VAR:-default}} (unset or empty), {@code ${VAR-default}} (unset), {@code
 * ${VAR:?message}} and {@code ${VAR?message}} (an error when missing). Nested expressions ({@code
 * ${A:-${B}}}) are not supported; the file does not use them.
 */
final class ComposeFile {
  /**
   * {@code $$}, or a variable in one of the forms above (group 1: braced name, 2: operator, 3:
   * argument, 4: bare name).
   */
  private static final Pattern VARIABLE =
      Pattern.compile(
          "\\$(?:\\$|\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}|([A-Za-z_][A-Za-z0-9_]*))");

  final Path root;
  private final Map<String, Object> document;

  private ComposeFile(Path root, Map<String, Object> document) {
    this.root = root;
    this.document = document;
  }

  /** The repository's compose file, found from the working directory upwards. */
  static ComposeFile load() {
    Path root = repositoryRoot();
    return new ComposeFile(root, yaml(root.resolve("docker-compose.yml")));
  }

  /** The closest directory at or above the working directory holding docker-compose.yml. */
  static Path repositoryRoot() {
    Path start = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docker-compose.yml"))
          && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no docker-compose.yml at or above " + start);
  }

  /** A YAML file as maps, lists and scalars, with anchors and merge keys resolved. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(Path file) {
    try {
      return (Map<String, Object>)
          new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A {@code .env} file as Compose reads it: {@code NAME=value} lines, {@code #} comments and blank
   * lines skipped, the value taken literally up to the end of the line.
   */
  static Map<String, String> envFile(Path file) {
    Map<String, String> values = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(file)) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        int eq = trimmed.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(file + ": not NAME=value: " + line);
        }
        values.put(trimmed.substring(0, eq).strip(), trimmed.substring(eq + 1).strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return values;
  }

  /** {@code .env.example}: the documented variables and their values. */
  Map<String, String> envExample() {
    return envFile(root.resolve(".env.example"));
  }

  Set<String> serviceNames() {
    return services().keySet();
  }

  /** A service's settings, merge keys applied, before interpolation. */
  @SuppressWarnings("unchecked")
  Map<String, Object> service(String name) {
    Object service = services().get(name);
    if (!(service instanceof Map)) {
      throw new IllegalArgumentException("no service '" + name + "' in docker-compose.yml");
    }
    return (Map<String, Object>) service;
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> services() {
    return (Map<String, Object>) document.getOrDefault("services", Map.of());
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> topLevel(String key) {
    Object value = document.get(key);
    return value == null ? Map.of() : (Map<String, Object>) value;
  }

  /**
   * A service's {@code environment}, interpolated with {@code variables}. Accepts both forms
   * Compose does: a map, or a list of {@code NAME=value}.
   */
  Map<String, String> environment(String service, Map<String, String> variables) {
    Map<String, String> env = new TreeMap<>();
    Object raw = service(service).get("environment");
    if (raw instanceof Map<?, ?> map) {
      map.forEach(
          (k, v) -> env.put(k.toString(), v == null ? "" : interpolate(v.toString(), variables)));
    } else if (raw instanceof List<?> list) {
      for (Object entry : list) {
        String text = entry.toString();
        int eq = text.indexOf('=');
        env.put(text.substring(0, eq), interpolate(text.substring(eq + 1), variables));
      }
    }
    return env;
  }

  /** Every variable the file refers to, with the default it gives, if any. */
  Map<String, Optional<String>> variables() {
    Map<String, Optional<String>> found = new TreeMap<>();
    forEachString(
        document,
        text -> {
          Matcher m = VARIABLE.matcher(text);
          while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(4);
            if (name == null) {
              continue; // $$
            }
            boolean hasDefault = m.group(2) != null && m.group(2).endsWith("-");
            Optional<String> fallback = hasDefault ? Optional.of(m.group(3)) : Optional.empty();
            found.merge(name, fallback, (a, b) -> a.isPresent() ? a : b);
          }
        });
    return found;
  }

  /** Compose's interpolation of one value; see the class comment. */
  static String interpolate(String text, Map<String, String> variables) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group(0).equals("$$")) {
        replacement = "$";
      } else {
        String name = m.group(1) != null ? m.group(1) : m.group(4);
        String operator = m.group(2);
        String value = variables.get(name);
        boolean missing =
            operator != null && operator.startsWith(":")
                ? value == null || value.isEmpty()
                : value == null;
        if (missing && operator != null && operator.endsWith("-")) {
          replacement = m.group(3);
        } else if (missing && operator != null && operator.endsWith("?")) {
          throw new IllegalArgumentException("variable " + name + " is required: " + m.group(3));
        } else {
          replacement = value == null ? "" : value;
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** A service's {@code command} as a list of arguments, interpolated with {@code variables}. */
  List<String> command(String service, Map<String, String> variables) {
    Object command = service(service).get("command");
    List<String> args = new ArrayList<>();
    if (command instanceof List<?> list) {
      list.forEach(a -> args.add(interpolate(a.toString(), variables)));
    } else if (command != null) {
      // The string form is split on spaces, as Compose does for simple commands.
      for (String a : interpolate(command.toString(), variables).trim().split("\\s+")) {
        args.add(a);
      }
    }
    return args;
  }

  /** Host ports a service publishes ({@code [ip:]host:container[/proto]} strings only). */
  List<String> ports(String service) {
    List<String> ports = new ArrayList<>();
    Object raw = service(service).get("ports");
    if (raw instanceof List<?> list) {
      list.forEach(p -> ports.add(p.toString()));
    }
    return ports;
  }

  /** Names of the services a service depends on, with their conditions. */
  Map<String, String> dependsOn(String service) {
    Map<String, String> conditions = new LinkedHashMap<>();
    Object raw = service(service).get("depends_on");
    if (raw instanceof List<?> list) {
      list.forEach(name -> conditions.put(name.toString(), "service_started"));
    } else if (raw instanceof Map<?, ?> map) {
      map.forEach(
          (name, spec) ->
              conditions.put(
                  name.toString(),
                  spec instanceof Map<?, ?> s && s.get("condition") != null
                      ? s.get("condition").toString()
                      : "service_started"));
    }
    return conditions;
  }

  private static void forEachString(Object node, Consumer<String> visit) {
    if (node instanceof Map<?, ?> map) {
      map.values().forEach(v -> forEachString(v, visit));
    } else if (node instanceof List<?> list) {
      list.forEach(v -> forEachString(v, visit));
    } else if (node instanceof String s) {
      visit.accept(s);
    }
  }
}
