-- habitkit schema, version 3 (SQLite): leaderboard scores, one row per
-- (programme, board, period, partition, subject). Text compares with the
-- BINARY collation (byte order), like version 1. WITHOUT ROWID stores the
-- rows in primary key order, so a board's rows are read by subject straight
-- from the table. hidden is 0 or 1; reached_at is text like every time.

CREATE TABLE IF NOT EXISTS habitkit_scores (
	programme_id TEXT NOT NULL,
	board_id TEXT NOT NULL,
	period TEXT NOT NULL,
	partition_key TEXT NOT NULL,
	subject TEXT NOT NULL,
	team_id TEXT NOT NULL,
	value INTEGER NOT NULL,
	members INTEGER NOT NULL,
	hidden INTEGER NOT NULL,
	reached_at TEXT NOT NULL,
	version INTEGER NOT NULL,
	PRIMARY KEY (programme_id, board_id, period, partition_key, subject)
) WITHOUT ROWID;
-- ListSubjectScores, SetScoresHidden, DeleteScores: a subject's rows across
-- boards, in listing order.
CREATE INDEX IF NOT EXISTS habitkit_scores_subject ON habitkit_scores (programme_id, subject, board_id, period, partition_key);
-- ListScores filtered by team: a manager's board of one team's members.
CREATE INDEX IF NOT EXISTS habitkit_scores_team ON habitkit_scores (programme_id, board_id, period, partition_key, team_id, subject);
