-- habitkit schema, version 4 (MySQL 8 / MariaDB 10.6+, InnoDB): reflections,
-- their responses and reactions. Types follow version 1. Answers and
-- moderation state are JSON kept in LONGTEXT (stored as written); counts,
-- visibility and the deleted, hidden and erased flags are columns so that
-- a feed filters and orders in its query. search_text holds the answers'
-- search words, lower-cased and separated by single spaces with one before
-- and after. Re-runnable like version 1: indexes are declared inline.
--
-- FULLTEXT limits (InnoDB): words shorter than innodb_ft_min_token_size
-- (default 3) or longer than innodb_ft_max_token_size (84) are not indexed,
-- nor are the words of the default stopword list; the adapter matches those
-- words with LIKE alone. The full-text index sees a transaction's changes
-- only when it commits.

CREATE TABLE IF NOT EXISTS habitkit_reflections (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	programme_id VARBINARY(1024) NOT NULL,
	-- NULL after erasure, so that erased reflections never conflict.
	enrolment_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
	author VARBINARY(1024) NOT NULL,
	author_team VARBINARY(1024) NOT NULL,
	day INT NOT NULL,
	activity_id VARBINARY(1024) NOT NULL,
	variation_id VARBINARY(1024) NOT NULL,
	answers LONGTEXT NOT NULL,
	visibility SMALLINT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	edited_at DATETIME(6) NULL,
	moderation LONGTEXT NOT NULL,
	hidden SMALLINT NOT NULL,
	deleted SMALLINT NOT NULL,
	erased SMALLINT NOT NULL,
	responses INT NOT NULL,
	reactions INT NOT NULL,
	version BIGINT NOT NULL,
	search_text LONGTEXT NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY habitkit_reflections_key (enrolment_id, day, activity_id),
	-- The newest-first feed walks this index backwards; most-reacted the
	-- next.
	KEY habitkit_reflections_newest (programme_id, id),
	KEY habitkit_reflections_reacted (programme_id, reactions, id),
	KEY habitkit_reflections_day (programme_id, day, id),
	KEY habitkit_reflections_author (programme_id, author, id),
	FULLTEXT KEY habitkit_reflections_search (search_text)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS habitkit_reflection_responses (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	reflection_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	author VARBINARY(1024) NOT NULL,
	author_team VARBINARY(1024) NOT NULL,
	text LONGTEXT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	edited_at DATETIME(6) NULL,
	moderation LONGTEXT NOT NULL,
	hidden SMALLINT NOT NULL,
	deleted SMALLINT NOT NULL,
	erased SMALLINT NOT NULL,
	version BIGINT NOT NULL,
	PRIMARY KEY (id),
	KEY habitkit_reflection_responses_reflection (reflection_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS habitkit_reflection_reactions (
	reflection_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	participant VARBINARY(1024) NOT NULL,
	kind SMALLINT NOT NULL,
	at DATETIME(6) NOT NULL,
	PRIMARY KEY (reflection_id, participant)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
