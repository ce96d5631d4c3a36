-- habitkit schema, version 3 (MySQL 8 / MariaDB 10.6+, InnoDB): leaderboard
-- scores, one row per (programme, board, period, partition, subject).
-- Strings are VARBINARY, byte-ordered and case- and space-sensitive, like
-- version 1. They are shorter than version 1's 1024 bytes because InnoDB
-- limits an index key to 3072 bytes and the keys here have five and six
-- string columns: programme, partition, team and subject IDs may be at most
-- 512 bytes, board IDs 255 and period keys 64. Re-runnable like version 1:
-- indexes are declared inline.

CREATE TABLE IF NOT EXISTS habitkit_scores (
	programme_id VARBINARY(512) NOT NULL,
	board_id VARBINARY(255) NOT NULL,
	period VARBINARY(64) NOT NULL,
	partition_key VARBINARY(512) NOT NULL,
	subject VARBINARY(512) NOT NULL,
	team_id VARBINARY(512) NOT NULL,
	value BIGINT NOT NULL,
	members BIGINT NOT NULL,
	hidden BOOLEAN NOT NULL,
	reached_at DATETIME(6) NOT NULL,
	version BIGINT NOT NULL,
	PRIMARY KEY (programme_id, board_id, period, partition_key, subject),
	-- ListSubjectScores, SetScoresHidden, DeleteScores: a subject's rows
	-- across boards; InnoDB appends the primary key, which gives the
	-- listing order.
	KEY habitkit_scores_subject (programme_id, subject),
	-- ListScores filtered by team: a manager's board of one team's members.
	KEY habitkit_scores_team (programme_id, board_id, period, partition_key, team_id, subject)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
