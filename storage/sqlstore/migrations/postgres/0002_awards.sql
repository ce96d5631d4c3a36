-- habitkit schema, version 2 (PostgreSQL): awards (badges earned by
-- enrolments). Types follow version 1: host-owned IDs text COLLATE "C",
-- habitkit's own IDs uuid, Evidence bytea stored byte for byte (empty when
-- the engine sent none).

CREATE TABLE IF NOT EXISTS habitkit_awards (
	id uuid NOT NULL UNIQUE,
	programme_id text COLLATE "C" NOT NULL,
	enrolment_id uuid NOT NULL,
	badge_id text COLLATE "C" NOT NULL,
	tier integer NOT NULL,
	day integer NOT NULL,
	awarded_at timestamptz NOT NULL,
	evidence bytea NOT NULL,
	PRIMARY KEY (enrolment_id, badge_id, tier, day)
);
-- CountHolders: a programme's awards grouped by badge, counting distinct
-- enrolments from the index alone.
CREATE INDEX IF NOT EXISTS habitkit_awards_badge ON habitkit_awards (programme_id, badge_id, enrolment_id);
