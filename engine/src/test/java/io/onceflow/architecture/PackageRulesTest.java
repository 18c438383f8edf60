package io.onceflow.architecture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rules of STYLE.md, checked on the sources' import lines: the job author's API
 * depends on nothing but the JDK; the ledger needs no Kafka; the Kafka side needs no JDBC.
 * (A source scan instead of ArchUnit: one less dependency for three rules.)
 */
class PackageRulesTest {
  private static final Path MAIN = Path.of("src/main/java/io/onceflow");

  @Test
  void theJobApiDependsOnlyOnTheJdkAndItself() throws IOException {
    assertNoImport("api", i -> !i.startsWith("java.") && !i.startsWith("io.onceflow.api."));
  }

  @Test
  void theLedgerNeedsNoKafka() throws IOException {
    assertNoImport("ledger", i -> i.startsWith("org.apache.kafka."));
  }

  @Test
  void theKafkaSideNeedsNoJdbc() throws IOException {
    assertNoImport("kafka", i -> i.startsWith("java.sql.") || i.startsWith("org.postgresql."));
  }

  private static void assertNoImport(String pkg, Predicate<String> forbidden) throws IOException {
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN.resolve(pkg))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        for (String line : Files.readAllLines(file)) {
          if (line.startsWith("import ")) {
            String imported = line.substring(7).replace("static ", "").replace(";", "").trim();
            if (forbidden.test(imported)) {
              offenders.add(file.getFileName() + ": " + imported);
            }
          }
        }
      }
    }
    assertTrue(offenders.isEmpty(), "package " + pkg + " breaks its rule: " + offenders);
  }
}
