package io.onceflow.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.onceflow.api.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Reads a configuration file into flat {@code key → text} pairs: {@code .properties} as Java
 * properties (UTF-8), {@code .yaml}/{@code .yml} with nested maps flattened to dotted keys and
 * lists joined with commas, so both formats meet the same validation.
 *
 * <p>A key given twice in one file is a problem, not "last one wins": in YAML the two may be far
 * apart ({@code kafka: {bootstrap.servers: …}} and {@code kafka.bootstrap.servers: …}) and the user
 * would not know which one is in effect.
 */
final class ConfigFiles {

  private ConfigFiles() {}

  /**
   * @throws ConfigException when the file cannot be read or parsed at all (nothing else would be
   *     worth reporting then)
   */
  static Map<String, RawValue> read(Path file, Problems problems) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    Map<String, String> flat = new LinkedHashMap<>();
    List<String> duplicates = new ArrayList<>();
    if (!Files.exists(file)) {
      throw new ConfigException("Configuration file '" + file + "' does not exist.");
    }
    try {
      if (lower.endsWith(".properties")) {
        readProperties(file, flat, duplicates);
      } else if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
        readYaml(file, flat, duplicates);
      } else {
        throw new ConfigException(
            "Unsupported configuration file '"
                + file
                + "': use a .properties, .yaml or .yml file.");
      }
    } catch (JsonProcessingException e) {
      throw new ConfigException(yamlError(file, e));
    } catch (IOException | IllegalArgumentException e) {
      // Properties.load reports a malformed \\uXXXX escape as IllegalArgumentException.
      throw new ConfigException(
          "Cannot read configuration file '" + file + "': " + e.getMessage(), e);
    }
    for (String key : duplicates) {
      problems.add("Key '" + key + "' is set more than once in " + file + ".");
    }
    Map<String, RawValue> values = new LinkedHashMap<>();
    flat.forEach((key, text) -> values.put(key, new RawValue(text, file.toString())));
    return values;
  }

  private static void readProperties(Path file, Map<String, String> flat, List<String> duplicates)
      throws IOException {
    Properties properties =
        new Properties() {
          private static final long serialVersionUID = 1L;

          @Override
          public synchronized Object put(Object key, Object value) {
            if (containsKey(key)) {
              duplicates.add((String) key);
            }
            return super.put(key, value);
          }
        };
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    }
    // Properties is a hash table: sort, so that problems are reported in a stable order.
    properties.stringPropertyNames().stream()
        .sorted()
        .forEach(k -> flat.put(k, properties.getProperty(k)));
  }

  private static void readYaml(Path file, Map<String, String> flat, List<String> duplicates)
      throws IOException {
    YAMLMapper mapper = new YAMLMapper();
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    mapper.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    JsonNode root = mapper.readTree(file.toFile());
    if (root == null || root.isMissingNode() || root.isNull()) {
      return; // an empty file
    }
    if (!root.isObject()) {
      throw new ConfigException(
          "Configuration file '" + file + "' must hold a map of keys, not a " + kind(root) + ".");
    }
    flatten("", root, flat, duplicates, file);
  }

  private static void flatten(
      String prefix, JsonNode node, Map<String, String> flat, List<String> dup, Path file) {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String key = prefix + field.getKey();
      JsonNode value = field.getValue();
      if (value.isObject()) {
        flatten(key + ".", value, flat, dup, file);
      } else if (flat.containsKey(key)) {
        dup.add(key);
      } else {
        flat.put(key, scalarOrList(key, value, file));
      }
    }
  }

  private static String scalarOrList(String key, JsonNode value, Path file) {
    if (value.isNull()) {
      return "";
    }
    if (value.isValueNode()) {
      return value.asText();
    }
    List<String> items = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isValueNode() || item.isNull()) {
        throw new ConfigException(
            "Key '" + key + "' in " + file + " must be a list of plain values, like [a, b].");
      }
      items.add(item.asText());
    }
    return String.join(",", items);
  }

  /**
   * Only the first line of the parser's message and the location: YAML parsers quote the offending
   * source line, which may hold a password.
   */
  private static String yamlError(Path file, JsonProcessingException e) {
    String first = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("").strip();
    JsonLocation at = e.getLocation();
    String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    return "Cannot parse YAML file '" + file + "'" + where + ": " + first;
  }

  private static String kind(JsonNode node) {
    return node.isArray() ? "list" : "single value";
  }
}
