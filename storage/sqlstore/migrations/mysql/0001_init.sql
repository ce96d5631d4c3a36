-- habitkit schema, version 1 (MySQL 8 / MariaDB 10.6+, InnoDB).
-- Times are DATETIME(6) holding UTC. Host-owned IDs are VARBINARY: they
-- compare and sort by bytes, are case-sensitive ('a' <> 'A') and, unlike
-- the PAD SPACE _bin collations, do not ignore trailing spaces; at most 1024
-- bytes each. habitkit's own IDs are CHAR(36) ascii. Programme definitions
-- are LONGBLOB, stored byte for byte. MySQL commits DDL implicitly, so every
-- statement here must be safe to run twice: indexes are declared inline.

CREATE TABLE IF NOT EXISTS habitkit_programmes (
	id VARBINARY(1024) NOT NULL,
	version BIGINT NOT NULL,
	definition LONGBLOB NOT NULL,
	published_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id, version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS habitkit_enrolments (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	programme_id VARBINARY(1024) NOT NULL,
	programme_version BIGINT NOT NULL,
	participant_id VARBINARY(1024) NOT NULL,
	team_id VARBINARY(1024) NOT NULL,
	cohort_id VARBINARY(1024) NOT NULL,
	version BIGINT NOT NULL,
	-- JSON: start, firstDay, zones, rota, absences, enrolledAt, progress.
	data LONGTEXT NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY habitkit_enrolments_participant (programme_id, participant_id),
	KEY habitkit_enrolments_programme (programme_id, id),
	KEY habitkit_enrolments_team (programme_id, team_id, id),
	KEY habitkit_enrolments_cohort (programme_id, cohort_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS habitkit_completions (
	enrolment_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	day INT NOT NULL,
	activity_id VARBINARY(1024) NOT NULL,
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	programme_id VARBINARY(1024) NOT NULL,
	variation_id VARBINARY(1024) NOT NULL,
	-- NULL when the caller sent no key, so that empty keys never conflict.
	idempotency_key VARBINARY(1024) NULL,
	completed_at DATETIME(6) NOT NULL,
	points BIGINT NOT NULL,
	-- JSON of challenge.Snapshot.
	outcome LONGTEXT NOT NULL,
	-- All three NULL until the completion is revoked.
	revoked_at DATETIME(6) NULL,
	revoked_by TEXT NULL,
	revoke_reason TEXT NULL,
	PRIMARY KEY (enrolment_id, day, activity_id),
	UNIQUE KEY habitkit_completions_id (id),
	UNIQUE KEY habitkit_completions_idempotency (idempotency_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS habitkit_audit (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	programme_id VARBINARY(1024) NOT NULL,
	-- NULL when the entry concerns no enrolment.
	enrolment_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
	action TEXT NOT NULL,
	actor TEXT NOT NULL,
	reason TEXT NOT NULL,
	subject TEXT NOT NULL,
	at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	KEY habitkit_audit_programme (programme_id, id),
	KEY habitkit_audit_enrolment (enrolment_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
