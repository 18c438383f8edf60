package io.onceflow.job;

import io.onceflow.api.ConfigException;
import io.onceflow.api.Job;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Finds a user's job class by name, on the classpath or in a jar, and checks it before any
 * worker starts: a missing class, a class that is not a {@link Job}, or one without a public
 * no-arg constructor is a {@link ConfigException} that says what to fix.
 */
public final class JobLoader {
  private JobLoader() {}

  /** Returns a factory making one fresh instance per call (one per worker thread). */
  public static Supplier<Job<?>> load(String className, Optional<Path> jar) {
    ClassLoader loader = classLoader(jar);
    Class<?> type;
    try {
      type = Class.forName(className, true, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new ConfigException(
          "Job class '" + className + "' was not found "
              + jar.map(j -> "in " + j + " or on the classpath").orElse("on the classpath")
              + " (" + e + "). Check job.class"
              + (jar.isPresent() ? " and job.jar." : ", or set job.jar to the jar that holds it."),
          e);
    }
    if (!Job.class.isAssignableFrom(type)) {
      throw new ConfigException(
          "Job class '" + className + "' does not implement " + Job.class.getName()
              + ". Implement it (process(records, context)) or fix job.class.");
    }
    if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
      throw new ConfigException(
          "Job class '" + className + "' is abstract; job.class must name a concrete class.");
    }
    Constructor<?> constructor;
    try {
      constructor = type.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new ConfigException(
          "Job class '" + className + "' has no public no-argument constructor; add one "
              + "(the engine makes one instance per worker thread).",
          e);
    }
    Supplier<Job<?>> factory = () -> instantiate(constructor, className);
    factory.get(); // fail at start, not in the first task, if the constructor throws
    return factory;
  }

  private static Job<?> instantiate(Constructor<?> constructor, String className) {
    try {
      return (Job<?>) constructor.newInstance();
    } catch (InvocationTargetException e) {
      throw new ConfigException(
          "Job class '" + className + "' threw in its constructor: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new ConfigException("Cannot create job class '" + className + "': " + e, e);
    }
  }

  private static ClassLoader classLoader(Optional<Path> jar) {
    ClassLoader parent = JobLoader.class.getClassLoader();
    if (jar.isEmpty()) {
      return parent;
    }
    Path path = jar.get();
    if (!Files.isReadable(path)) {
      throw new ConfigException(
          "job.jar '" + path + "' does not exist or cannot be read. Fix the path in job.jar.");
    }
    try {
      return new URLClassLoader(new URL[] {path.toUri().toURL()}, parent);
    } catch (MalformedURLException e) {
      throw new ConfigException("job.jar '" + path + "' is not a valid path: " + e.getMessage(), e);
    }
  }
}
