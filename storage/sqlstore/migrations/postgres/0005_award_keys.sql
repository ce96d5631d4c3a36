-- habitkit schema, version 5 (PostgreSQL): an award is identified by its
-- key alone, so the id column goes, and its unique index with it.

ALTER TABLE habitkit_awards DROP COLUMN IF EXISTS id;
