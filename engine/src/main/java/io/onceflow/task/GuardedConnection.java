package io.onceflow.task;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/**
 * The task connection as a job sees it: everything works except ending the transaction or
 * changing how it commits, which belongs to the engine (it commits the job's writes with the
 * offsets). Savepoints are allowed: one the job takes comes after the fence, so rolling back to
 * it cannot undo the fence (DESIGN §3).
 *
 * <p>The statements and metadata it hands out are guarded too ({@code getConnection()} returns
 * this guarded connection), and so is what {@code unwrap} gives for an interface such as {@code
 * PGConnection} (the COPY API stays usable). Every refusal and every {@link SQLException} raised
 * on the task connection is reported to the {@link Observer}: a refusal is transaction control
 * by the job, and an error's SQLState decides whether it was an outage of this connection.
 *
 * <p>These are the guards a job meets first. What they cannot see (a ResultSet's statement, a
 * {@code COMMIT} in SQL) is caught by the checks after the job returns and by the ledger's commit
 * guard ({@link JobTransaction}).
 */
final class GuardedConnection implements InvocationHandler {
  /** Connection methods that end the transaction or change how it commits. */
  private static final Set<String> ENGINE_ONLY =
      Set.of("commit", "setAutoCommit", "close", "abort", "setTransactionIsolation", "setReadOnly");

  /** What the guard saw: told on the job's thread, during its call. */
  interface Observer {
    void refused(String method);

    void failed(SQLException error);
  }

  private final Object target;
  private final Observer observer;
  /** The guarded connection, which {@code getConnection()} of statements returns. */
  private Connection connection;

  private GuardedConnection(Object target, Observer observer) {
    this.target = target;
    this.observer = observer;
  }

  static Connection wrap(Connection delegate, Observer observer) {
    GuardedConnection handler = new GuardedConnection(delegate, observer);
    handler.connection = (Connection) handler.proxy(Connection.class);
    return handler.connection;
  }

  private Object proxy(Class<?>... types) {
    return Proxy.newProxyInstance(GuardedConnection.class.getClassLoader(), types, this);
  }

  /** The same guard on another object of the task connection (a statement, metadata). */
  private Object guard(Object other, Class<?> type) {
    GuardedConnection handler = new GuardedConnection(other, observer);
    handler.connection = connection;
    // What unwrap gives for PGConnection is the driver's connection: a job may cast it to
    // Connection and commit, which must meet the same refusal.
    return other instanceof Connection && type != Connection.class
        ? handler.proxy(type, Connection.class)
        : handler.proxy(type);
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    if (target instanceof Connection && isEngineOnly(name, args)) {
      observer.refused(name);
      throw new UnsupportedOperationException(
          "Connection." + name + "() is not allowed in a job: the task transaction belongs to"
              + " the engine, which commits the job's writes together with the task's offsets."
              + " Throw an exception to roll the task back.");
    }
    if (name.equals("getConnection") && args == null) {
      return connection;
    }
    if (name.equals("unwrap")) {
      return unwrap(proxy, (Class<?>) args[0]);
    }
    if (name.equals("isWrapperFor") && ((Class<?>) args[0]).isInstance(proxy)) {
      return true;
    }
    Object result;
    try {
      result = method.invoke(target, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof SQLException sql) {
        observer.failed(sql);
      }
      throw e.getCause();
    }
    Class<?> type = method.getReturnType();
    if (result != null && GUARDED_RESULTS.contains(type)) {
      return guard(result, type);
    }
    return result;
  }

  private static final Set<Class<?>> GUARDED_RESULTS =
      Set.of(Statement.class, PreparedStatement.class, CallableStatement.class, DatabaseMetaData.class);

  /** {@code rollback()} ends the transaction; {@code rollback(savepoint)} does not. */
  private static boolean isEngineOnly(String name, Object[] args) {
    return ENGINE_ONLY.contains(name) || (name.equals("rollback") && args == null);
  }

  private Object unwrap(Object proxy, Class<?> type) throws SQLException {
    if (type.isInstance(proxy)) {
      return proxy;
    }
    if (!type.isInterface()) {
      throw new UnsupportedOperationException(
          "unwrap(" + type.getName() + ") is not allowed in a job: unwrap to an interface"
              + " (org.postgresql.PGConnection, say), which the engine guards like the task"
              + " connection.");
    }
    Object unwrapped = ((java.sql.Wrapper) target).unwrap(type);
    return guard(unwrapped, type);
  }
}
