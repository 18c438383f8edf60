package io.onceflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.onceflow.api.ConfigException;
import io.onceflow.api.OnceflowException;
import io.onceflow.api.RetriableException;
import org.junit.jupiter.api.Test;

class ErrorReporterTest {

  @Test
  void configErrorsExitWithTwo() {
    assertEquals(ExitCodes.CONFIG, ErrorReporter.exitCode(new ConfigException("bad key")));
  }

  @Test
  void otherErrorsExitWithOne() {
    assertEquals(ExitCodes.FAILURE, ErrorReporter.exitCode(new OnceflowException("no kafka")));
    assertEquals(ExitCodes.FAILURE, ErrorReporter.exitCode(new RetriableException("db", null)));
    assertEquals(ExitCodes.FAILURE, ErrorReporter.exitCode(new IllegalStateException("bug")));
  }

  @Test
  void engineErrorsAreShownAsWritten() {
    assertEquals(
        "onceflow: Cannot reach Kafka at h:1",
        ErrorReporter.line(new OnceflowException("Cannot reach Kafka at h:1")));
    assertEquals(
        "onceflow: configuration error: bad key",
        ErrorReporter.line(new ConfigException("bad key")));
  }

  @Test
  void unforeseenErrorsNameTheirClass() {
    assertEquals(
        "onceflow: unexpected error: java.lang.IllegalStateException: bug",
        ErrorReporter.line(new IllegalStateException("bug")));
  }
}
