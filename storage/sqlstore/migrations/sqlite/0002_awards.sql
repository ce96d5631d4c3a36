-- habitkit schema, version 2 (SQLite): awards (badges earned by enrolments).
-- Evidence is a BLOB stored byte for byte (empty when the engine sent none).

CREATE TABLE IF NOT EXISTS habitkit_awards (
	id TEXT NOT NULL UNIQUE,
	programme_id TEXT NOT NULL,
	enrolment_id TEXT NOT NULL,
	badge_id TEXT NOT NULL,
	tier INTEGER NOT NULL,
	day INTEGER NOT NULL,
	awarded_at TEXT NOT NULL,
	evidence BLOB NOT NULL,
	PRIMARY KEY (enrolment_id, badge_id, tier, day)
);
-- CountHolders: a programme's awards grouped by badge, counting distinct
-- enrolments from the index alone.
CREATE INDEX IF NOT EXISTS habitkit_awards_badge ON habitkit_awards (programme_id, badge_id, enrolment_id);
