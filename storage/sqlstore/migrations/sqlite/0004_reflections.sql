-- habitkit schema, version 4 (SQLite): reflections, their responses and
-- reactions. Answers and moderation state are JSON; counts, visibility and
-- the deleted, hidden and erased flags are columns so that a feed filters
-- and orders in its query. search_text holds the answers' search words,
-- lower-cased and separated by single spaces with one before and after,
-- so that whole-word checks are LIKE '% word %'.

CREATE TABLE IF NOT EXISTS habitkit_reflections (
	-- seq is the rowid, named so that VACUUM keeps it: the full-text
	-- table refers to reflections by it.
	seq INTEGER PRIMARY KEY,
	id TEXT NOT NULL UNIQUE,
	programme_id TEXT NOT NULL,
	-- NULL after erasure, so that erased reflections never conflict.
	enrolment_id TEXT NULL,
	author TEXT NOT NULL,
	author_team TEXT NOT NULL,
	day INTEGER NOT NULL,
	activity_id TEXT NOT NULL,
	variation_id TEXT NOT NULL,
	answers TEXT NOT NULL,
	visibility INTEGER NOT NULL,
	created_at TEXT NOT NULL,
	edited_at TEXT NULL,
	moderation TEXT NOT NULL,
	hidden INTEGER NOT NULL,
	deleted INTEGER NOT NULL,
	erased INTEGER NOT NULL,
	responses INTEGER NOT NULL,
	reactions INTEGER NOT NULL,
	version INTEGER NOT NULL,
	search_text TEXT NOT NULL,
	-- 1 when the ID was above every stored ID at insert (UUIDv7 IDs made
	-- by a clock that never goes back): among such rows, seq order is ID
	-- order, so a newest-first search walks the full-text index's rowid
	-- order. The rows stored out of order (0) are searched through
	-- habitkit_reflections_late.
	in_order INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS habitkit_reflections_key ON habitkit_reflections (enrolment_id, day, activity_id);
-- The newest-first feed walks this index backwards; most-reacted the next.
CREATE INDEX IF NOT EXISTS habitkit_reflections_newest ON habitkit_reflections (programme_id, id);
CREATE INDEX IF NOT EXISTS habitkit_reflections_reacted ON habitkit_reflections (programme_id, reactions, id);
CREATE INDEX IF NOT EXISTS habitkit_reflections_day ON habitkit_reflections (programme_id, day, id);
CREATE INDEX IF NOT EXISTS habitkit_reflections_author ON habitkit_reflections (programme_id, author, id);
CREATE INDEX IF NOT EXISTS habitkit_reflections_late ON habitkit_reflections (programme_id, id) WHERE in_order = 0;

-- Full-text index of search_text, external content: the adapter inserts
-- and deletes its entries in the same transaction as the reflection.
-- unicode61 without diacritic folding, to match whole words as written.
CREATE VIRTUAL TABLE IF NOT EXISTS habitkit_reflection_search USING fts5(
	search_text,
	content = 'habitkit_reflections',
	content_rowid = 'seq',
	tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TABLE IF NOT EXISTS habitkit_reflection_responses (
	id TEXT NOT NULL PRIMARY KEY,
	reflection_id TEXT NOT NULL,
	author TEXT NOT NULL,
	author_team TEXT NOT NULL,
	text TEXT NOT NULL,
	created_at TEXT NOT NULL,
	edited_at TEXT NULL,
	moderation TEXT NOT NULL,
	hidden INTEGER NOT NULL,
	deleted INTEGER NOT NULL,
	erased INTEGER NOT NULL,
	version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS habitkit_reflection_responses_reflection ON habitkit_reflection_responses (reflection_id, id);

CREATE TABLE IF NOT EXISTS habitkit_reflection_reactions (
	reflection_id TEXT NOT NULL,
	participant TEXT NOT NULL,
	kind INTEGER NOT NULL,
	at TEXT NOT NULL,
	PRIMARY KEY (reflection_id, participant)
);
