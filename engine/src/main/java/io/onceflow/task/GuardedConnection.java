package io.onceflow.task;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Set;

/**
 * The task connection as a job sees it: everything works except ending or splitting the
 * transaction, which belongs to the engine (it commits the job's writes with the offsets).
 */
final class GuardedConnection implements InvocationHandler {
  private static final Set<String> ENGINE_ONLY =
      Set.of(
          "commit",
          "rollback",
          "setAutoCommit",
          "close",
          "abort",
          "setSavepoint",
          "releaseSavepoint",
          "setTransactionIsolation");

  private final Connection delegate;

  private GuardedConnection(Connection delegate) {
    this.delegate = delegate;
  }

  static Connection wrap(Connection delegate) {
    return (Connection)
        Proxy.newProxyInstance(
            GuardedConnection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            new GuardedConnection(delegate));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    if (ENGINE_ONLY.contains(name)) {
      throw new UnsupportedOperationException(
          "Connection." + name + "() is not allowed in a job: the task transaction belongs to"
              + " the engine, which commits the job's writes together with the task's offsets."
              + " Throw an exception to roll the task back.");
    }
    if (name.equals("unwrap") && ((Class<?>) args[0]).isInstance(proxy)) {
      return proxy;
    }
    if (name.equals("isWrapperFor") && ((Class<?>) args[0]).isInstance(proxy)) {
      return true;
    }
    try {
      return method.invoke(delegate, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
