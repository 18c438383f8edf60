package io.onceflow.embedded;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds the jars a forked broker JVM runs with.
 *
 * <p>Sources, first match wins:
 *
 * <ol>
 *   <li>system property {@value #PROPERTY};
 *   <li>environment variable {@value #ENV};
 *   <li>the resource {@value #RESOURCE} next to this class, written at build time by
 *       maven-dependency-plugin's {@code build-classpath} (see this module's pom).
 * </ol>
 *
 * <p>An override is a classpath (entries separated by {@link java.io.File#pathSeparator}) or
 * {@code @path} naming a file that holds one. The build-time file holds absolute paths into the
 * local Maven repository of the machine that built this jar: it works wherever that repository is,
 * and nowhere else (a container image or another host needs the override).
 *
 * <p>Every entry must exist; a missing jar (a cleaned {@code ~/.m2}, a jar built elsewhere) is
 * reported with the source that named it rather than surfacing later as a {@code
 * ClassNotFoundException} in the broker log.
 */
final class BrokerClasspath {

  static final String PROPERTY = "onceflow.broker.classpath";
  static final String ENV = "ONCEFLOW_BROKER_CLASSPATH";
  static final String RESOURCE = "broker.classpath";

  private BrokerClasspath() {}

  /** Resolves the broker classpath from this JVM's property, environment and resources. */
  static List<Path> resolve() {
    return resolve(
        System.getProperty(PROPERTY),
        System.getenv(ENV),
        BrokerClasspath.class.getResource(RESOURCE));
  }

  /** Resolves from explicit inputs, any of which may be null; visible for tests. */
  static List<Path> resolve(String property, String env, URL resource) {
    if (property != null && !property.isBlank()) {
      return checked(parse(property), "system property " + PROPERTY);
    }
    if (env != null && !env.isBlank()) {
      return checked(parse(env), "environment variable " + ENV);
    }
    if (resource == null) {
      throw new EmbeddedKafkaException(
          "broker classpath not found: no resource io/onceflow/embedded/"
              + RESOURCE
              + " on the classpath and neither -D"
              + PROPERTY
              + " nor "
              + ENV
              + " is set. Build onceflow-embedded-kafka with `mvn install` (its generate-resources"
              + " phase writes the file), or set "
              + ENV
              + " to the broker's jars.");
    }
    try (InputStream in = resource.openStream()) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return checked(split(text), "resource " + resource);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read broker classpath resource " + resource, e);
    }
  }

  /**
   * The jar or directory holding this launcher's classes, so that the broker JVM can run {@link
   * ParentWatchdog}; empty when the class loader does not say (then no watchdog is used).
   */
  static Optional<Path> launcherLocation() {
    CodeSource source = BrokerClasspath.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Path.of(source.getLocation().toURI()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static List<Path> parse(String value) {
    String trimmed = value.trim();
    if (!trimmed.startsWith("@")) {
      return split(trimmed);
    }
    Path file = Path.of(trimmed.substring(1));
    try {
      return split(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read broker classpath file " + file, e);
    }
  }

  private static List<Path> split(String classpath) {
    List<Path> entries = new ArrayList<>();
    for (String entry : classpath.trim().split(Pattern.quote(File.pathSeparator))) {
      if (!entry.isBlank()) {
        entries.add(Path.of(entry.trim()));
      }
    }
    return entries;
  }

  private static List<Path> checked(List<Path> entries, String source) {
    if (entries.isEmpty()) {
      throw new EmbeddedKafkaException("broker classpath from " + source + " is empty");
    }
    List<Path> missing = entries.stream().filter(p -> !Files.exists(p)).toList();
    if (!missing.isEmpty()) {
      throw new EmbeddedKafkaException(
          "broker classpath from "
              + source
              + " names "
              + missing.size()
              + " missing file(s), first "
              + missing.get(0)
              + ". The file was written by a build on another machine or the local Maven"
              + " repository was cleaned: rebuild onceflow-embedded-kafka with `mvn install`, or"
              + " set "
              + ENV
              + ".");
    }
    return List.copyOf(entries);
  }
}
