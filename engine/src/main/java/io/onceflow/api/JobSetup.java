package io.onceflow.api;

import java.util.Map;

/** What a job sees when a worker thread opens it. */
public interface JobSetup {

  /** The job name: the namespace of the job's rows in the ledger. */
  String jobName();

  /** The {@code job.param.*} settings of the job's configuration, without the prefix. */
  Map<String, String> params();

  /** A job parameter, or {@code defaultValue} when it is not set. */
  default String param(String name, String defaultValue) {
    return params().getOrDefault(name, defaultValue);
  }

  /**
   * A connection for one-time setup (creating the sink table, say), in autocommit mode. It is
   * not the task transaction; do not keep it.
   */
  java.sql.Connection setupConnection();
}
