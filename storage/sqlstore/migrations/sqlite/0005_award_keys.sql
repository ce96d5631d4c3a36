-- habitkit schema, version 5 (SQLite): an award is identified by its key
-- alone, so the id column and its unique index go. SQLite cannot drop a
-- UNIQUE column, so the table is rebuilt (inside the migration's
-- transaction), WITHOUT ROWID: the rows are stored in the primary key's
-- B-tree, one B-tree instead of a table and its key index, so an award
-- written dirties a page fewer.
--
-- CountHolders no longer reads an index of every award (which every award,
-- a daily badge's every day included, entered, each badge of a completion
-- on a page of its own): habitkit_award_holders counts the holders of each
-- badge of each programme, kept by triggers. An insert counts a new holder
-- when no other award of its (enrolment, badge) exists in its programme; a
-- delete counts one fewer when none is left, and a badge nobody holds loses
-- its row. A programme's counts share a page. SQLite has one writer at a
-- time, so the count rows make no writer wait.

CREATE TABLE IF NOT EXISTS habitkit_awards_v5 (
	programme_id TEXT NOT NULL,
	enrolment_id TEXT NOT NULL,
	badge_id TEXT NOT NULL,
	tier INTEGER NOT NULL,
	day INTEGER NOT NULL,
	awarded_at TEXT NOT NULL,
	evidence BLOB NOT NULL,
	PRIMARY KEY (enrolment_id, badge_id, tier, day)
) WITHOUT ROWID;
INSERT INTO habitkit_awards_v5 (programme_id, enrolment_id, badge_id, tier, day, awarded_at, evidence)
	SELECT programme_id, enrolment_id, badge_id, tier, day, awarded_at, evidence FROM habitkit_awards;
DROP TABLE habitkit_awards;
ALTER TABLE habitkit_awards_v5 RENAME TO habitkit_awards;

CREATE TABLE IF NOT EXISTS habitkit_award_holders (
	programme_id TEXT NOT NULL,
	badge_id TEXT NOT NULL,
	holders INTEGER NOT NULL,
	PRIMARY KEY (programme_id, badge_id)
) WITHOUT ROWID;
-- Counted afresh, so that the migration can run again.
DELETE FROM habitkit_award_holders;
INSERT INTO habitkit_award_holders (programme_id, badge_id, holders)
	SELECT programme_id, badge_id, COUNT(DISTINCT enrolment_id) FROM habitkit_awards GROUP BY programme_id, badge_id;

-- The trigger bodies run in the statement that fired them (an insert that
-- fails on the primary key fires nothing), and roll back with it. Their
-- writes break no constraint (the key conflict of the count upsert is its
-- update), which OR FAIL tells SQLite, so that InsertAward's INSERT OR FAIL
-- needs no statement journal.
CREATE TRIGGER IF NOT EXISTS habitkit_awards_holder_insert AFTER INSERT ON habitkit_awards
WHEN NOT EXISTS (SELECT 1 FROM habitkit_awards WHERE enrolment_id = NEW.enrolment_id AND badge_id = NEW.badge_id
	AND programme_id = NEW.programme_id AND (tier, day) <> (NEW.tier, NEW.day))
BEGIN
	INSERT OR FAIL INTO habitkit_award_holders (programme_id, badge_id, holders) VALUES (NEW.programme_id, NEW.badge_id, 1)
		ON CONFLICT (programme_id, badge_id) DO UPDATE SET holders = holders + 1;
END;
CREATE TRIGGER IF NOT EXISTS habitkit_awards_holder_delete AFTER DELETE ON habitkit_awards
WHEN NOT EXISTS (SELECT 1 FROM habitkit_awards WHERE enrolment_id = OLD.enrolment_id AND badge_id = OLD.badge_id
	AND programme_id = OLD.programme_id)
BEGIN
	UPDATE OR FAIL habitkit_award_holders SET holders = holders - 1 WHERE programme_id = OLD.programme_id AND badge_id = OLD.badge_id;
	DELETE FROM habitkit_award_holders WHERE programme_id = OLD.programme_id AND badge_id = OLD.badge_id AND holders <= 0;
END;
