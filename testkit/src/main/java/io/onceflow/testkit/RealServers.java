package io.onceflow.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects real servers into test, lifecycle and constructor parameters:
 *
 * <ul>
 *   <li>{@link TestKafka}: the JVM's {@linkplain TestKafka#shared() shared broker};
 *   <li>{@link TestDatabase}: a fresh database, one per test method (a {@code @BeforeEach} and the
 *       test receive the same one), dropped after the test's {@code @AfterEach} methods; injected
 *       into a {@code @BeforeAll} method or a constructor, one per test class, dropped after the
 *       class.
 * </ul>
 *
 * <pre>{@code
 * @ExtendWith(RealServers.class)
 * class MyJobTest {
 *   @Test
 *   void countsWords(TestKafka kafka, TestDatabase db) { ... }
 * }
 * }</pre>
 *
 * A server that cannot be reached fails the test with the fixture's message (what was tried, how to
 * fix it); nothing is skipped.
 */
public final class RealServers implements ParameterResolver, AfterEachCallback, AfterAllCallback {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RealServers.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestKafka.class || type == TestDatabase.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (parameter.getParameter().getType() == TestKafka.class) {
      return TestKafka.shared();
    }
    // Keyed by the context's id: a store lookup also searches the parent contexts' stores, and a
    // test must not receive its class's database.
    return context
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(databaseKey(context), k -> TestDatabase.create(), TestDatabase.class);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    dropDatabaseOf(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    dropDatabaseOf(context);
  }

  private static String databaseKey(ExtensionContext context) {
    return "database:" + context.getUniqueId();
  }

  // Closed here rather than left to the store, so the drop does not depend on JUnit's
  // store-closing settings and happens right after the test's own @AfterEach methods.
  private static void dropDatabaseOf(ExtensionContext context) {
    TestDatabase db = context.getStore(NAMESPACE).remove(databaseKey(context), TestDatabase.class);
    if (db != null) {
      db.close();
    }
  }
}
