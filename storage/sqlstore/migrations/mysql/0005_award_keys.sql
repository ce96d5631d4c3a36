-- habitkit schema, version 5 (MySQL 8 / MariaDB 10.6+): an award is
-- identified by its key alone, so the id column goes, and its unique index
-- with it. MySQL has no DROP COLUMN IF EXISTS; the runner skips the
-- statement once the column is gone, so the migration stays re-runnable.

-- if column exists: habitkit_awards.id
ALTER TABLE habitkit_awards DROP COLUMN id;
