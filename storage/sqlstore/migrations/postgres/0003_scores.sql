-- habitkit schema, version 3 (PostgreSQL): leaderboard scores, one row per
-- (programme, board, period, partition, subject). Strings are text
-- COLLATE "C" (byte order, case-sensitive, trailing spaces significant),
-- like version 1.

CREATE TABLE IF NOT EXISTS habitkit_scores (
	programme_id text COLLATE "C" NOT NULL,
	board_id text COLLATE "C" NOT NULL,
	period text COLLATE "C" NOT NULL,
	partition_key text COLLATE "C" NOT NULL,
	subject text COLLATE "C" NOT NULL,
	team_id text COLLATE "C" NOT NULL,
	value bigint NOT NULL,
	members bigint NOT NULL,
	hidden boolean NOT NULL,
	reached_at timestamptz NOT NULL,
	version bigint NOT NULL,
	PRIMARY KEY (programme_id, board_id, period, partition_key, subject)
);
-- ListSubjectScores, SetScoresHidden, DeleteScores: a subject's rows across
-- boards, in listing order.
CREATE INDEX IF NOT EXISTS habitkit_scores_subject ON habitkit_scores (programme_id, subject, board_id, period, partition_key);
-- ListScores filtered by team: a manager's board of one team's members.
CREATE INDEX IF NOT EXISTS habitkit_scores_team ON habitkit_scores (programme_id, board_id, period, partition_key, team_id, subject);
