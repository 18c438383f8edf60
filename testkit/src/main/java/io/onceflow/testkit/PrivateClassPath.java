package io.onceflow.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * This JVM's class path, copied once into a temporary directory, for the processes a {@link
 * JobProcess} starts.
 *
 * <p>Why: a crash test restarts processes for minutes, and a build running meanwhile (another
 * checkout's {@code mvn install}, an IDE compiling on save) rewrites the jars in the local
 * repository and the classes in {@code target/}. A process started on them then dies with {@code
 * NoClassDefFoundError} or a truncated jar: a failure of the machine, not of the job, and one a
 * test that kills and restarts processes cannot tell from a real one. From a copy taken once, every
 * process of the test run loads the same classes.
 *
 * <p>The copy costs one pass over the class path (a second or two for the engine's tests) at the
 * first process start; it is deleted when the JVM exits normally. If the copy fails (a full disk),
 * processes use the live class path and a line on stderr says so. So they do when the class path is
 * a manifest-only jar (Surefire's and Failsafe's default, {@code useManifestOnlyJar}), whose
 * entries may be relative to where it lies: set {@code <useManifestOnlyJar>false</useManifestOnlyJar>}
 * for a private copy.
 */
final class PrivateClassPath {
  private static String copied; // guarded by PrivateClassPath.class

  private PrivateClassPath() {}

  /** The copied class path, made on the first call. */
  static synchronized String get() {
    if (copied == null) {
      copied = privateCopy(System.getProperty("java.class.path"));
    }
    return copied;
  }

  private static String privateCopy(String classPath) {
    try {
      if (isManifestOnlyJar(classPath)) {
        System.err.println("onceflow-testkit: processes use the live class path (a manifest-only jar;"
            + " set useManifestOnlyJar=false in Surefire or Failsafe for a private copy)");
        return classPath;
      }
      return copy(classPath);
    } catch (IOException | UncheckedIOException e) {
      System.err.println("onceflow-testkit: processes use the live class path (copy failed: " + e + ")");
      return classPath;
    }
  }

  private static boolean isManifestOnlyJar(String classPath) throws IOException {
    if (classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
      return false;
    }
    try (JarFile jar = new JarFile(classPath)) {
      Manifest manifest = jar.getManifest();
      return manifest != null && manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH) != null;
    }
  }

  private static String copy(String classPath) throws IOException {
    Path dir = Files.createTempDirectory("onceflow-testkit-classpath-");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir), "onceflow-testkit-classpath-cleanup"));
    List<String> entries = new ArrayList<>();
    int n = 0;
    for (String entry : classPath.split(File.pathSeparator)) {
      Path source = Path.of(entry);
      if (!Files.exists(source)) {
        continue;
      }
      // numbered: two entries may share a file name (target/classes of several modules)
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

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // leftovers in the temporary directory are harmless
    }
  }
}
