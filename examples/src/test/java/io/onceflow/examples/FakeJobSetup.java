package io.onceflow.examples;

import io.onceflow.api.JobSetup;
import java.sql.Connection;
import java.util.Map;

/** Opens a job against a test database, with the given {@code job.param.*} settings. */
record FakeJobSetup(Connection setupConnection, Map<String, String> params) implements JobSetup {

  @Override
  public String jobName() {
    return "test-job";
  }
}
