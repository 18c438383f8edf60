package io.onceflow.ledger;

import io.onceflow.api.OnceflowException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades the ledger (schema {@code onceflow}) with versioned migrations.
 *
 * <p>Safe to call from every process at start: Flyway serializes concurrent migrations with a
 * PostgreSQL advisory lock, and an up-to-date schema costs one query.
 */
public final class LedgerSchema {
  public static final String SCHEMA = "onceflow";
  private static final Logger log = LoggerFactory.getLogger(LedgerSchema.class);

  private LedgerSchema() {}

  public static void migrate(DataSource dataSource) {
    try {
      MigrateResult result =
          Flyway.configure(LedgerSchema.class.getClassLoader())
              .dataSource(dataSource)
              .schemas(SCHEMA)
              .createSchemas(true)
              .locations("classpath:db/onceflow")
              .load()
              .migrate();
      if (result.migrationsExecuted > 0) {
        log.info("Ledger schema '{}' migrated to version {}", SCHEMA, result.targetSchemaVersion);
      }
    } catch (RuntimeException e) {
      // The hint only where it helps: an outage (a restart ending the session) is retried.
      String hint = SqlErrors.isMissingRight(e) ? " (does the user have CREATE rights?)" : "";
      throw SqlErrors.classify("create or upgrade the ledger schema '" + SCHEMA + "'" + hint, e);
    }
  }
}
