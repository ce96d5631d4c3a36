-- habitkit schema, version 5 (SQLite): an award is identified by its key
-- alone, so the id column and its unique index go. SQLite cannot drop a
-- UNIQUE column, so the table is rebuilt (inside the migration's
-- transaction) and its holders index made again.

CREATE TABLE IF NOT EXISTS habitkit_awards_v5 (
	programme_id TEXT NOT NULL,
	enrolment_id TEXT NOT NULL,
	badge_id TEXT NOT NULL,
	tier INTEGER NOT NULL,
	day INTEGER NOT NULL,
	awarded_at TEXT NOT NULL,
	evidence BLOB NOT NULL,
	PRIMARY KEY (enrolment_id, badge_id, tier, day)
);
INSERT INTO habitkit_awards_v5 (programme_id, enrolment_id, badge_id, tier, day, awarded_at, evidence)
	SELECT programme_id, enrolment_id, badge_id, tier, day, awarded_at, evidence FROM habitkit_awards;
DROP TABLE habitkit_awards;
ALTER TABLE habitkit_awards_v5 RENAME TO habitkit_awards;
-- CountHolders: a programme's awards grouped by badge, counting distinct
-- enrolments from the index alone.
CREATE INDEX IF NOT EXISTS habitkit_awards_badge ON habitkit_awards (programme_id, badge_id, enrolment_id);
