-- habitkit schema, version 4 (PostgreSQL): reflections, their responses and
-- reactions. Types follow version 1. Answers and moderation state are JSON
-- kept as text (stored as written); counts, visibility and the deleted,
-- hidden and erased flags are columns so that a feed filters and orders in
-- its query. search_text holds the answers' search words, lower-cased and
-- separated by single spaces with one before and after. search_vector
-- holds the same words as lexemes, exactly (array_to_tsvector: no parser,
-- no stemming), written by the adapter beside search_text; words too long
-- for a lexeme are left out of it and matched with LIKE alone.

CREATE TABLE IF NOT EXISTS habitkit_reflections (
	id uuid NOT NULL PRIMARY KEY,
	programme_id text COLLATE "C" NOT NULL,
	-- NULL after erasure, so that erased reflections never conflict.
	enrolment_id uuid NULL,
	author text COLLATE "C" NOT NULL,
	author_team text COLLATE "C" NOT NULL,
	day integer NOT NULL,
	activity_id text COLLATE "C" NOT NULL,
	variation_id text COLLATE "C" NOT NULL,
	answers text NOT NULL,
	visibility smallint NOT NULL,
	created_at timestamptz NOT NULL,
	edited_at timestamptz NULL,
	moderation text NOT NULL,
	hidden smallint NOT NULL,
	deleted smallint NOT NULL,
	erased smallint NOT NULL,
	responses integer NOT NULL,
	reactions integer NOT NULL,
	version bigint NOT NULL,
	search_text text COLLATE "C" NOT NULL,
	search_vector tsvector NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS habitkit_reflections_key ON habitkit_reflections (enrolment_id, day, activity_id);
-- The newest-first feed walks this index backwards; most-reacted the next.
CREATE INDEX IF NOT EXISTS habitkit_reflections_newest ON habitkit_reflections (programme_id, id);
CREATE INDEX IF NOT EXISTS habitkit_reflections_reacted ON habitkit_reflections (programme_id, reactions, id);
CREATE INDEX IF NOT EXISTS habitkit_reflections_day ON habitkit_reflections (programme_id, day, id);
CREATE INDEX IF NOT EXISTS habitkit_reflections_author ON habitkit_reflections (programme_id, author, id);
-- Full-text search. Since search_vector matches exactly, the planner's
-- estimate from its word statistics is right, and it starts from this
-- index when the words are rare enough, or walks the newest-first order
-- and checks search_vector on each row when they are common. fastupdate
-- is off so that a search never scans a pending list of recent entries
-- (up to gin_pending_list_limit, until VACUUM merges it): an insert updates
-- the index at once, which costs little at the rate people write.
CREATE INDEX IF NOT EXISTS habitkit_reflections_search ON habitkit_reflections USING gin (search_vector) WITH (fastupdate = off);
-- Newest-first search: one row per search word of a reflection, written by
-- the adapter beside search_text. word_key is the first 8 bytes of the
-- SHA-256 of the programme ID, a zero byte and the word (big-endian, signed),
-- so that every word fits, however long, and each (programme, word) has its
-- reflections in ID order in the primary key. A search walks its rarest
-- word's keys newest first and probes the other words' by (word_key,
-- reflection_id), index-only, then reads and checks only the rows that have
-- every key (search_vector confirms the words, so a hash collision could
-- only slow a search). No parallel scans: a page reads a few hundred keys,
-- far less than starting workers costs.
CREATE TABLE IF NOT EXISTS habitkit_reflection_words (
	word_key bigint NOT NULL,
	reflection_id uuid NOT NULL,
	PRIMARY KEY (word_key, reflection_id)
) WITH (parallel_workers = 0);

CREATE TABLE IF NOT EXISTS habitkit_reflection_responses (
	id uuid NOT NULL PRIMARY KEY,
	reflection_id uuid NOT NULL,
	author text COLLATE "C" NOT NULL,
	author_team text COLLATE "C" NOT NULL,
	text text NOT NULL,
	created_at timestamptz NOT NULL,
	edited_at timestamptz NULL,
	moderation text NOT NULL,
	hidden smallint NOT NULL,
	deleted smallint NOT NULL,
	erased smallint NOT NULL,
	version bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS habitkit_reflection_responses_reflection ON habitkit_reflection_responses (reflection_id, id);

CREATE TABLE IF NOT EXISTS habitkit_reflection_reactions (
	reflection_id uuid NOT NULL,
	participant text COLLATE "C" NOT NULL,
	kind smallint NOT NULL,
	at timestamptz NOT NULL,
	PRIMARY KEY (reflection_id, participant)
);
