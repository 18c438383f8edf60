package io.onceflow.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@code docs/configuration.md} from {@link ConfigKeys}, so the documentation cannot drift
 * from the code: {@code ConfigDocsTest} fails when the file differs from {@link #markdownPage()}.
 *
 * <p>To regenerate after changing a key, either run this class's {@link #main} from the repository
 * root, or run the test with {@code -Donceflow.docs.regenerate=true}:
 *
 * <pre>mvn -q -pl engine test -Dtest=ConfigDocsTest -Donceflow.docs.regenerate=true</pre>
 */
public final class ConfigDocs {

  /** The system property that makes {@code ConfigDocsTest} rewrite the file instead of failing. */
  public static final String REGENERATE_PROPERTY = "onceflow.docs.regenerate";

  /** The page's path relative to the repository root. */
  public static final String PAGE = "docs/configuration.md";

  private ConfigDocs() {}

  /** Writes the page to {@code args[0]}, or to {@link #PAGE} under the repository root. */
  public static void main(String[] args) throws IOException {
    Path target = args.length > 0 ? Path.of(args[0]) : defaultPage();
    Files.writeString(target, markdownPage(), StandardCharsets.UTF_8);
    System.out.println("Wrote " + target.toAbsolutePath().normalize());
  }

  /**
   * {@link #PAGE} under the repository root, found by walking up from the working directory (Maven
   * runs a module's tests in the module's directory).
   */
  public static Path defaultPage() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("engine")) && Files.isRegularFile(d.resolve("pom.xml"))) {
        return d.resolve(PAGE);
      }
    }
    return dir.resolve(PAGE);
  }

  /** The table of every key: name, type and rule, default, environment variable, doc. */
  public static String markdownTable() {
    StringBuilder t = new StringBuilder();
    t.append("| Key | Type | Default | Environment variable | Description |\n");
    t.append("| --- | --- | --- | --- | --- |\n");
    for (ConfigKey<?> key : ConfigKeys.all()) {
      row(
          t,
          code(key.name()),
          code(key.typeDescription()),
          defaultCell(key),
          code(key.envName()),
          key.doc());
    }
    for (Passthrough family : ConfigKeys.passthroughs()) {
      row(
          t,
          code(family.pattern()),
          "passthrough",
          "",
          code(EnvOverrides.envName(family.prefix()) + "…"),
          family.doc());
    }
    return t.toString();
  }

  /** The whole of {@code docs/configuration.md}: an introduction, the table, the rules. */
  public static String markdownPage() {
    StringBuilder p = new StringBuilder();
    p.append("# Configuration\n\n");
    p.append(
        "<!-- Generated from io.onceflow.config.ConfigKeys; do not edit by hand. Regenerate:\n"
            + "     mvn -q -pl engine test -Dtest=ConfigDocsTest -D"
            + REGENERATE_PROPERTY
            + "=true -->\n\n");
    p.append(
        "A job is configured by one file, `.properties` or `.yaml`/`.yml`, and by environment"
            + " variables that override it. In YAML, nested maps become dotted keys and lists"
            + " become comma-separated values, so `source: {topics: [a, b]}` is"
            + " `source.topics=a,b`. Everything is validated before the engine starts: an"
            + " unknown key (reported with the nearest valid one), a value of the wrong type or"
            + " range, a missing key, or a setting that would break exactly-once stops start-up"
            + " with one message listing every problem. Values are trimmed (passwords excepted);"
            + " an empty value is the same as not setting the key.\n\n");
    p.append("## Keys\n\n");
    p.append(markdownTable());
    p.append("\n## Environment variables\n\n");
    p.append(
        "`ONCEFLOW_<KEY>` overrides `<KEY>`: upper case, `.` becomes `_`"
            + " (`ONCEFLOW_BATCH_INTERVAL_MS` sets `batch.interval.ms`). The environment wins"
            + " over the file; an empty variable unsets the file's value. `kafka.*` and"
            + " `postgres.*` variables must name a setting Kafka or pgjdbc knows"
            + " (`ONCEFLOW_KAFKA_SASL_JAAS_CONFIG`, `ONCEFLOW_POSTGRES_SSLMODE`);"
            + " `ONCEFLOW_JOB_PARAM_TARGET_TABLE` sets `job.param.target.table`. Any other"
            + " `ONCEFLOW_` variable is an error, except these, which the application and the"
            + " tests read themselves:\n\n");
    for (String name : EnvOverrides.NOT_CONFIG_KEYS) {
      p.append("- `").append(name).append("`\n");
    }
    p.append("\n## Refused settings\n\n");
    p.append(
        "These would break exactly-once, so the engine refuses them rather than quietly"
            + " overriding them.\n\n");
    p.append("| Setting | Refused values | Why |\n| --- | --- | --- |\n");
    for (Refusal r : ConfigKeys.refusals()) {
      row(p, code(r.key()), code(r.refusedValues()), r.reason() + ".");
    }
    p.append("\n`postgres.autosave` is refused in the query of `postgres.url` as well.\n\n");
    p.append("## Secrets\n\n");
    p.append(
        "The start-up log (`describe()`) and error messages never print `postgres.password`,"
            + " nor any key whose name contains ");
    p.append(String.join(", ", Secrets.SECRET_NAME_PARTS.stream().map(ConfigDocs::code).toList()));
    p.append(
        ", nor a `password=` parameter or a `user:password@` part of a URL: they print as `"
            + Secrets.MASK
            + "`.\n");
    return p.toString();
  }

  private static String defaultCell(ConfigKey<?> key) {
    if (key.isRequired()) {
      return "**required**";
    }
    return key.hasDefault() ? code(key.defaultDescription()) : "";
  }

  private static void row(StringBuilder out, String... cells) {
    out.append('|');
    for (String cell : cells) {
      out.append(' ').append(cell.replace("|", "\\|")).append(" |");
    }
    out.append('\n');
  }

  private static String code(String text) {
    return "`" + text + "`";
  }
}
