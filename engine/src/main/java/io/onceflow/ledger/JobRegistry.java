package io.onceflow.ledger;

import io.onceflow.api.ConfigException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Registers a job in the ledger and refuses a second, different configuration under the same
 * name: two pipelines sharing one name would share (and corrupt) each other's offsets.
 */
public final class JobRegistry {
  private final DataSource dataSource;

  public JobRegistry(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * For a worker: refuses to work for a job the ledger knows with other sources (the worker would
   * otherwise run its job class on another pipeline's ranges). A job not registered yet passes:
   * its driver registers it, and refuses a mismatch itself.
   */
  public void refuseOtherSources(String job, String sources) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement select =
            c.prepareStatement("SELECT sources FROM onceflow.jobs WHERE job = ?")) {
      select.setString(1, job);
      try (ResultSet rs = select.executeQuery()) {
        if (rs.next()) {
          refuseIfOther(job, rs.getString(1), sources);
        }
      }
    } catch (SQLException e) {
      throw SqlErrors.classify("look up job '" + job + "' in the ledger", e);
    }
  }

  private static void refuseIfOther(String job, String stored, String sources) {
    if (!stored.equals(sources)) {
      throw new ConfigException(
          "Job '"
              + job
              + "' already exists in the ledger with sources '"
              + stored
              + "', but this configuration reads '"
              + sources
              + "'. Use another job.name, or change the sources back.");
    }
  }

  /** Returns the job's advisory-lock key. */
  public int register(String job, String sources, String jobClass) {
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO onceflow.jobs (job, sources, job_class) VALUES (?, ?, ?)"
                  + " ON CONFLICT (job) DO NOTHING")) {
        insert.setString(1, job);
        insert.setString(2, sources);
        insert.setString(3, jobClass);
        insert.executeUpdate();
      }
      try (PreparedStatement select =
          c.prepareStatement("SELECT sources, lock_key FROM onceflow.jobs WHERE job = ?")) {
        select.setString(1, job);
        try (ResultSet rs = select.executeQuery()) {
          rs.next();
          refuseIfOther(job, rs.getString(1), sources);
          return rs.getInt(2);
        }
      }
    } catch (SQLException e) {
      throw SqlErrors.classify("register job '" + job + "' in the ledger", e);
    }
  }
}
