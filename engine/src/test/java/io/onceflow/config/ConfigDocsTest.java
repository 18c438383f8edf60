package io.onceflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/configuration.md} equal to what {@link ConfigKeys} declares. Run with {@code
 * -Donceflow.docs.regenerate=true} to rewrite the file instead of failing.
 */
class ConfigDocsTest {

  @Test
  void configurationPageMatchesTheDeclaredKeys() throws IOException {
    Path page = ConfigDocs.defaultPage();
    String expected = ConfigDocs.markdownPage();
    if (Boolean.getBoolean(ConfigDocs.REGENERATE_PROPERTY)) {
      Files.createDirectories(page.getParent());
      Files.writeString(page, expected, StandardCharsets.UTF_8);
    }
    String actual = Files.exists(page) ? Files.readString(page, StandardCharsets.UTF_8) : "";
    assertEquals(
        expected,
        actual,
        ConfigDocs.PAGE
            + " is out of date with io.onceflow.config.ConfigKeys. Regenerate it with:\n"
            + "  mvn -q -pl engine test -Dtest=ConfigDocsTest -D"
            + ConfigDocs.REGENERATE_PROPERTY
            + "=true\n"
            + "(or run io.onceflow.config.ConfigDocs from the repository root) and commit it.");
  }

  @Test
  void tableHasARowForEveryKeyAndFamily() {
    String table = ConfigDocs.markdownTable();
    for (ConfigKey<?> key : ConfigKeys.all()) {
      assertTrue(table.contains("| `" + key.name() + "` |"), key.name());
    }
    for (Passthrough family : ConfigKeys.passthroughs()) {
      assertTrue(table.contains("| `" + family.pattern() + "` |"), family.pattern());
    }
    assertTrue(ConfigDocs.markdownPage().contains(table));
  }
}
