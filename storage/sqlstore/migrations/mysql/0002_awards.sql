-- habitkit schema, version 2 (MySQL 8 / MariaDB 10.6+, InnoDB): awards
-- (badges earned by enrolments). Types follow version 1: host-owned IDs
-- VARBINARY, habitkit's own IDs CHAR(36) ascii, Evidence LONGBLOB stored byte
-- for byte (empty when the engine sent none). Re-runnable like version 1:
-- indexes are declared inline.

CREATE TABLE IF NOT EXISTS habitkit_awards (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	programme_id VARBINARY(1024) NOT NULL,
	enrolment_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	badge_id VARBINARY(1024) NOT NULL,
	tier INT NOT NULL,
	day INT NOT NULL,
	awarded_at DATETIME(6) NOT NULL,
	evidence LONGBLOB NOT NULL,
	PRIMARY KEY (enrolment_id, badge_id, tier, day),
	UNIQUE KEY habitkit_awards_id (id),
	-- CountHolders: a programme's awards grouped by badge, counting
	-- distinct enrolments from the index alone.
	KEY habitkit_awards_badge (programme_id, badge_id, enrolment_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
