-- Job failures are counted apart from claims: worker.task.attempts counts the attempts the job
-- failed, not the claims (an outage, a lost lease or a stopping worker claims a task again
-- without the job failing on it).
ALTER TABLE onceflow.tasks ADD COLUMN failures int NOT NULL DEFAULT 0;

-- The commit guard: a task transaction (or a dead-letter replay) may commit only through the
-- engine. The engine marks such a transaction when it opens it (onceflow.guarded_txid, local to
-- the transaction) and authorizes its commit just before COMMIT (onceflow.commit_txid). These
-- deferred triggers run at COMMIT (and PREPARE TRANSACTION): a COMMIT, END or PREPARE
-- TRANSACTION statement issued by the job, or a commit through a connection the job unwrapped,
-- fails and rolls the whole transaction back, fence included, instead of committing the job's
-- writes and the offsets of a task it had not finished. Transactions the engine did not mark
-- (offset resets, an operator's own SQL) are not checked.
CREATE FUNCTION onceflow.require_engine_commit() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  guarded text := current_setting('onceflow.guarded_txid', true);
BEGIN
  IF coalesce(guarded, '') <> ''
     AND guarded IS DISTINCT FROM current_setting('onceflow.commit_txid', true) THEN
    RAISE EXCEPTION USING
      ERRCODE = 'OF001',
      MESSAGE = 'onceflow: this transaction belongs to the engine and was committed by someone'
        || ' else (a COMMIT, END or PREPARE TRANSACTION statement from the job, or a commit'
        || ' through an unwrapped connection); it is rolled back',
      HINT = 'Do not end the task transaction in a job: throw an exception to roll a task back.';
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER offsets_commit_by_engine
  AFTER UPDATE OF until_offset ON onceflow.offsets
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION onceflow.require_engine_commit();

CREATE CONSTRAINT TRIGGER dead_letters_commit_by_engine
  AFTER DELETE ON onceflow.dead_letters
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION onceflow.require_engine_commit();
