-- habitkit schema, version 1 (PostgreSQL).
-- Times are timestamptz (microseconds, an instant). Host-owned IDs are text
-- with the "C" collation, so they compare and sort by bytes as on the other
-- databases; habitkit's own IDs are uuid. Programme definitions are bytea,
-- stored byte for byte; the adapter's own JSON is jsonb.

CREATE TABLE IF NOT EXISTS habitkit_programmes (
	id text COLLATE "C" NOT NULL,
	version bigint NOT NULL,
	definition bytea NOT NULL,
	published_at timestamptz NOT NULL,
	PRIMARY KEY (id, version)
);

CREATE TABLE IF NOT EXISTS habitkit_enrolments (
	id uuid NOT NULL PRIMARY KEY,
	programme_id text COLLATE "C" NOT NULL,
	programme_version bigint NOT NULL,
	participant_id text COLLATE "C" NOT NULL,
	team_id text COLLATE "C" NOT NULL,
	cohort_id text COLLATE "C" NOT NULL,
	version bigint NOT NULL,
	-- start, firstDay, zones, rota, absences, enrolledAt, progress.
	data jsonb NOT NULL,
	UNIQUE (programme_id, participant_id)
);
CREATE INDEX IF NOT EXISTS habitkit_enrolments_programme ON habitkit_enrolments (programme_id, id);
CREATE INDEX IF NOT EXISTS habitkit_enrolments_team ON habitkit_enrolments (programme_id, team_id, id);
CREATE INDEX IF NOT EXISTS habitkit_enrolments_cohort ON habitkit_enrolments (programme_id, cohort_id, id);

CREATE TABLE IF NOT EXISTS habitkit_completions (
	enrolment_id uuid NOT NULL,
	day integer NOT NULL,
	activity_id text COLLATE "C" NOT NULL,
	id uuid NOT NULL UNIQUE,
	programme_id text COLLATE "C" NOT NULL,
	variation_id text COLLATE "C" NOT NULL,
	-- NULL when the caller sent no key, so that empty keys never conflict.
	idempotency_key text COLLATE "C" UNIQUE,
	completed_at timestamptz NOT NULL,
	points bigint NOT NULL,
	-- challenge.Snapshot.
	outcome jsonb NOT NULL,
	-- All three NULL until the completion is revoked.
	revoked_at timestamptz,
	revoked_by text,
	revoke_reason text,
	PRIMARY KEY (enrolment_id, day, activity_id)
);

CREATE TABLE IF NOT EXISTS habitkit_audit (
	id uuid NOT NULL PRIMARY KEY,
	programme_id text COLLATE "C" NOT NULL,
	-- NULL when the entry concerns no enrolment.
	enrolment_id uuid,
	action text NOT NULL,
	actor text NOT NULL,
	reason text NOT NULL,
	subject text NOT NULL,
	at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS habitkit_audit_programme ON habitkit_audit (programme_id, id);
CREATE INDEX IF NOT EXISTS habitkit_audit_enrolment ON habitkit_audit (enrolment_id, id);
