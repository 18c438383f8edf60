package io.onceflow.it.compose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A user's job jar, compiled at test time, so that its class exists nowhere on the engine's class
 * path: the engine can only find it in the jobs folder. The job adds totals the way WORKLOAD.md's
 * AGG job does, by delegating to {@link io.onceflow.examples.AggJob}, so that its output can be
 * checked against ground truth.
 */
final class UserJobJar {
  /** The job's class name, as a user would put it in {@code JOB_CLASS}. */
  static final String CLASS_NAME = "com.example.jobs.TotalsJob";

  private static final String SOURCE =
      """
      package com.example.jobs;

      import io.onceflow.api.Job;
      import io.onceflow.api.JobSetup;
      import io.onceflow.api.Record;
      import io.onceflow.api.TaskContext;
      import io.onceflow.examples.AggJob;
      import java.util.List;

      /** A user's job: per-user totals, as the AGG job of WORKLOAD.md. */
      public final class TotalsJob implements Job<byte[]> {
        private final AggJob totals = new AggJob();

        @Override
        public void open(JobSetup setup) throws Exception {
          totals.open(setup);
        }

        @Override
        public void process(List<Record<byte[]>> records, TaskContext context) throws Exception {
          totals.process(records, context);
        }

        @Override
        public void close() throws Exception {
          totals.close();
        }
      }
      """;

  private UserJobJar() {}

  /** Compiles the job against this JVM's class path and writes {@code jar}. */
  static Path build(Path work, Path jar) throws IOException {
    Path sources = Files.createDirectories(work.resolve("src/com/example/jobs"));
    Path classes = Files.createDirectories(work.resolve("classes"));
    Path source = Files.writeString(sources.resolve("TotalsJob.java"), SOURCE);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status =
        javac.run(
            null,
            null,
            null,
            "--release",
            "17",
            "-classpath",
            System.getProperty("java.class.path"),
            "-d",
            classes.toString(),
            source.toString());
    if (status != 0) {
      throw new IllegalStateException("javac failed (" + status + ") on " + source);
    }
    Files.createDirectories(jar.getParent());
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
    return jar;
  }

  /**
   * True if {@code name} loads from this JVM's class path (the test's, a superset of the engine's).
   */
  static boolean onClassPath(String name) {
    try {
      Class.forName(name, false, UserJobJar.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
