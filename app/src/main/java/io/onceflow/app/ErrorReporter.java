package io.onceflow.app;

import io.onceflow.api.ConfigException;
import io.onceflow.api.OnceflowException;
import java.io.PrintWriter;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an error that escaped a command into one line on stderr and an exit code.
 *
 * <p>The engine's errors are written to be read by the person who ran the command (they name the
 * key, the server, the class); a stack trace under them would bury that line, so it is printed
 * only with {@code --verbose}. Anything that is not an {@link OnceflowException} is a bug or an
 * unforeseen environment problem: its class is shown too, since its message alone may be cryptic.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
  private final BooleanSupplier verbose;

  ErrorReporter(BooleanSupplier verbose) {
    this.verbose = verbose;
  }

  @Override
  public int handleExecutionException(Exception error, CommandLine command, ParseResult parsed) {
    PrintWriter err = command.getErr();
    err.println(line(error));
    if (verbose.getAsBoolean()) {
      error.printStackTrace(err);
    } else if (!(error instanceof OnceflowException)) {
      err.println("(run again with --verbose for the stack trace)");
    }
    err.flush();
    return exitCode(error);
  }

  static int exitCode(Throwable error) {
    return error instanceof ConfigException ? ExitCodes.CONFIG : ExitCodes.FAILURE;
  }

  static String line(Throwable error) {
    if (error instanceof ConfigException) {
      return "onceflow: configuration error: " + error.getMessage();
    }
    if (error instanceof OnceflowException) {
      return "onceflow: " + error.getMessage();
    }
    return "onceflow: unexpected error: " + error;
  }
}
