-- habitkit schema, version 1 (SQLite).
-- Times are TEXT, RFC 3339 in UTC with six fractional digits
-- ("2006-01-02T15:04:05.000000Z"); civil dates are TEXT "YYYY-MM-DD" inside
-- the JSON columns. Text compares with the BINARY collation (byte order).

CREATE TABLE IF NOT EXISTS habitkit_programmes (
	id TEXT NOT NULL,
	version INTEGER NOT NULL,
	definition BLOB NOT NULL,
	published_at TEXT NOT NULL,
	PRIMARY KEY (id, version)
);

CREATE TABLE IF NOT EXISTS habitkit_enrolments (
	id TEXT NOT NULL PRIMARY KEY,
	programme_id TEXT NOT NULL,
	programme_version INTEGER NOT NULL,
	participant_id TEXT NOT NULL,
	team_id TEXT NOT NULL,
	cohort_id TEXT NOT NULL,
	version INTEGER NOT NULL,
	-- JSON: start, firstDay, zones, rota, absences, enrolledAt, progress.
	data TEXT NOT NULL,
	UNIQUE (programme_id, participant_id)
);
CREATE INDEX IF NOT EXISTS habitkit_enrolments_programme ON habitkit_enrolments (programme_id, id);
CREATE INDEX IF NOT EXISTS habitkit_enrolments_team ON habitkit_enrolments (programme_id, team_id, id);
CREATE INDEX IF NOT EXISTS habitkit_enrolments_cohort ON habitkit_enrolments (programme_id, cohort_id, id);

CREATE TABLE IF NOT EXISTS habitkit_completions (
	enrolment_id TEXT NOT NULL,
	day INTEGER NOT NULL,
	activity_id TEXT NOT NULL,
	id TEXT NOT NULL UNIQUE,
	programme_id TEXT NOT NULL,
	variation_id TEXT NOT NULL,
	-- NULL when the caller sent no key, so that empty keys never conflict.
	idempotency_key TEXT UNIQUE,
	completed_at TEXT NOT NULL,
	points INTEGER NOT NULL,
	-- JSON of challenge.Snapshot.
	outcome TEXT NOT NULL,
	-- All three NULL until the completion is revoked.
	revoked_at TEXT,
	revoked_by TEXT,
	revoke_reason TEXT,
	PRIMARY KEY (enrolment_id, day, activity_id)
);

CREATE TABLE IF NOT EXISTS habitkit_audit (
	id TEXT NOT NULL PRIMARY KEY,
	programme_id TEXT NOT NULL,
	-- NULL when the entry concerns no enrolment.
	enrolment_id TEXT,
	action TEXT NOT NULL,
	actor TEXT NOT NULL,
	reason TEXT NOT NULL,
	subject TEXT NOT NULL,
	at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS habitkit_audit_programme ON habitkit_audit (programme_id, id);
CREATE INDEX IF NOT EXISTS habitkit_audit_enrolment ON habitkit_audit (enrolment_id, id);
