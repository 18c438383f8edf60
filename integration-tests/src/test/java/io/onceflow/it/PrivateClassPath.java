package io.onceflow.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * This JVM's class path, copied once into a temporary directory, for the engine processes a test
 * starts. Why: a long test (the chaos proof) restarts processes for minutes, and a build running
 * meanwhile (another checkout's {@code mvn install}, an IDE) rewrites the jars in the local
 * repository and the classes in {@code target/}; a process started on them then dies with {@code
 * NoClassDefFoundError}, a failure of the machine, not of the engine. Falls back to the class path
 * itself if the copy fails.
 */
final class PrivateClassPath {
  private static String copied;

  private PrivateClassPath() {}

  static synchronized String get() {
    String original = System.getProperty("java.class.path");
    if (copied == null) {
      try {
        copied = copy(original);
      } catch (IOException | UncheckedIOException e) {
        System.err.println("engine processes use the live class path (copy failed: " + e + ")");
        copied = original;
      }
    }
    return copied;
  }

  private static String copy(String classPath) throws IOException {
    Path dir = Files.createTempDirectory("onceflow-it-classpath-");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir), "onceflow-it-classpath-cleanup"));
    List<String> entries = new ArrayList<>();
    int n = 0;
    for (String entry : classPath.split(File.pathSeparator)) {
      Path source = Path.of(entry);
      if (!Files.exists(source)) {
        continue;
      }
      Path target = dir.resolve((n++) + "-" + source.getFileName());
      if (Files.isDirectory(source)) {
        copyTree(source, target);
      } else {
        Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
      }
      entries.add(target.toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // leftovers in the temp directory are harmless
    }
  }

  private static void copyTree(Path source, Path target) throws IOException {
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path to = target.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(to);
        } else {
          Files.copy(file, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
