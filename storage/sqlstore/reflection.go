package sqlstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/reflection"
	"github.com/habitkit/habitkit/storage"
)

const reflectionColumns = "id, programme_id, enrolment_id, author, author_team, day, activity_id, variation_id, answers, visibility, " +
	"created_at, edited_at, moderation, hidden, deleted, erased, responses, reactions, version"

const responseColumns = "id, reflection_id, author, author_team, text, created_at, edited_at, moderation, hidden, deleted, erased, version"

const reactionColumns = "reflection_id, participant, kind, at"

const (
	feedListing      = "reflections"
	responsesListing = "responses"
)

// feedCursor is the key after which a reflection listing resumes: the last
// item's ID and, for MostReacted, its Reactions.
type feedCursor struct {
	L         string            `json:"l"`
	Order     storage.FeedOrder `json:"o"`
	Reactions int               `json:"r,omitempty"`
	ID        uuid.UUID         `json:"i"`
}

// responseCursor is the key after which a response listing resumes.
type responseCursor struct {
	L  string    `json:"l"`
	ID uuid.UUID `json:"i"`
}

// flag turns a bool into the 0/1 of the flag columns.
func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nullUUID returns id, or NULL for the nil UUID.
func nullUUID(id uuid.UUID) any {
	if id == uuid.Nil {
		return nil
	}
	return id
}

// nullTime returns t as a query argument, or NULL for the zero time.
func (t *tx) nullTime(v time.Time) any {
	if v.IsZero() {
		return nil
	}
	return t.timeArg(v)
}

// normModerated puts m's times in the stored form (UTC, microseconds), so
// that its JSON reads back equal.
func normModerated(m reflection.Moderated) reflection.Moderated {
	norm := func(v time.Time) time.Time {
		if v.IsZero() {
			return time.Time{}
		}
		return normTime(v)
	}
	m.HiddenAt, m.ReviewedAt = norm(m.HiddenAt), norm(m.ReviewedAt)
	if len(m.Flags) == 0 {
		m.Flags = nil
	} else {
		m.Flags = slices.Clone(m.Flags)
		for i := range m.Flags {
			m.Flags[i].At = norm(m.Flags[i].At)
		}
	}
	return m
}

func encodeModerated(m reflection.Moderated) (string, error) {
	b, err := json.Marshal(normModerated(m))
	return string(b), err
}

// searchText is the search_text column of a reflection with answers: its
// search words, each with a space before and after.
func searchText(answers []reflection.Answer) string {
	words := storage.ReflectionSearchWords(answers)
	if len(words) == 0 {
		return ""
	}
	return " " + strings.Join(words, " ") + " "
}

// pgLexemeMax is the length in bytes below which a word goes into
// PostgreSQL's search_vector (a lexeme holds at most 2,047 bytes). Longer
// words are matched with LIKE alone.
const pgLexemeMax = 2000

// pgLexemes returns the words of search_text that fit in a lexeme,
// separated by single spaces: the source of search_vector.
func pgLexemes(text string) string {
	words := strings.Fields(text)
	out := words[:0]
	for _, w := range words {
		if len(w) < pgLexemeMax {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// pgVector is the SQL that makes search_vector from pgLexemes: the words as
// lexemes exactly, without PostgreSQL's parser.
const pgVector = "array_to_tsvector(string_to_array(?, ' '))"

// pgWordKey is the word_key of word in programme's rows of
// habitkit_reflection_words: the first 8 bytes of the SHA-256 of the
// programme ID, a zero byte and the word, big-endian, as a signed integer.
func pgWordKey(programme, word string) int64 {
	sum := sha256.Sum256([]byte(programme + "\x00" + word))
	return int64(binary.BigEndian.Uint64(sum[:8]))
}

// pgWordKeys returns the distinct keys of words in programme, in the order
// of words.
func pgWordKeys(programme string, words []string) []int64 {
	keys := make([]int64, 0, len(words))
	seen := make(map[int64]bool, len(words))
	for _, w := range words {
		if k := pgWordKey(programme, w); !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// without returns the keys of a that are not in b.
func without(a, b []int64) []int64 {
	in := make(map[int64]bool, len(b))
	for _, k := range b {
		in[k] = true
	}
	var out []int64
	for _, k := range a {
		if !in[k] {
			out = append(out, k)
		}
	}
	return out
}

// pgKeyArray is keys as the text of a PostgreSQL bigint[].
func pgKeyArray(keys []int64) string {
	b := make([]byte, 0, 2+21*len(keys))
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, k, 10)
	}
	return string(append(b, '}'))
}

// pgIndexWords adds the rows of keys add for reflection id to
// habitkit_reflection_words and removes those of keys gone (PostgreSQL
// only).
func (t *tx) pgIndexWords(ctx context.Context, op string, id uuid.UUID, add, gone []int64) error {
	if len(gone) > 0 {
		if _, err := t.exec(ctx, op, "DELETE FROM habitkit_reflection_words WHERE word_key = ANY (?::bigint[]) AND reflection_id = ?",
			pgKeyArray(gone), id); err != nil {
			return err
		}
	}
	if len(add) > 0 {
		if _, err := t.exec(ctx, op, "INSERT INTO habitkit_reflection_words (word_key, reflection_id) SELECT unnest(?::bigint[]), ?::uuid",
			pgKeyArray(add), id); err != nil {
			return err
		}
	}
	return nil
}

// searchInsert returns the search columns an INSERT of reflection id sets
// after reflectionColumns, their value expressions and their arguments,
// for a reflection whose search_text is text. SQLite's in_order is 1 when
// id is above every stored ID (writers are serialized, so nothing comes
// between the check and the insert); see searchNewestSQLite.
func (t *tx) searchInsert(id uuid.UUID, text string) (cols, values string, args []any) {
	switch t.s.d.kind() {
	case Postgres:
		return ", search_text, search_vector", ", ?, " + pgVector, []any{text, pgLexemes(text)}
	case SQLite:
		return ", search_text, in_order", ", ?, (SELECT COALESCE(MAX(id), '') < ? FROM habitkit_reflections)", []any{text, id}
	}
	return ", search_text", ", ?", []any{text}
}

// scanReflection reads one row of reflectionColumns.
func scanReflection(d dialect, scan func(dest ...any) error) (reflection.Reflection, error) {
	var (
		r                       reflection.Reflection
		enrolment               uuid.UUID
		author, team            string
		answers, moderation     string
		hidden, deleted, erased int
		created                 = timeScan{d: d}
		edited                  = timeScan{d: d}
	)
	if err := scan(&r.ID, &r.ProgrammeID, &enrolment, &author, &team, &r.Day, &r.ActivityID, &r.VariationID, &answers, &r.Visibility,
		&created, &edited, &moderation, &hidden, &deleted, &erased, &r.Responses, &r.Reactions, &r.Version); err != nil {
		return reflection.Reflection{}, err
	}
	r.EnrolmentID = enrolment
	r.Author, r.AuthorTeam = challenge.ParticipantID(author), challenge.TeamID(team)
	r.CreatedAt, r.EditedAt = created.t, edited.t
	r.Deleted, r.AuthorErased = deleted != 0, erased != 0
	if err := json.Unmarshal([]byte(answers), &r.Answers); err != nil {
		return reflection.Reflection{}, fmt.Errorf("decode answers: %w", err)
	}
	if len(r.Answers) == 0 {
		r.Answers = nil
	}
	if err := json.Unmarshal([]byte(moderation), &r.Moderated); err != nil {
		return reflection.Reflection{}, fmt.Errorf("decode moderation: %w", err)
	}
	return r, nil
}

// scanResponse reads one row of responseColumns.
func scanResponse(d dialect, scan func(dest ...any) error) (reflection.Response, error) {
	var (
		r                       reflection.Response
		author, team            string
		moderation              string
		hidden, deleted, erased int
		created                 = timeScan{d: d}
		edited                  = timeScan{d: d}
	)
	if err := scan(&r.ID, &r.ReflectionID, &author, &team, &r.Text, &created, &edited, &moderation, &hidden, &deleted, &erased, &r.Version); err != nil {
		return reflection.Response{}, err
	}
	r.Author, r.AuthorTeam = challenge.ParticipantID(author), challenge.TeamID(team)
	r.CreatedAt, r.EditedAt = created.t, edited.t
	r.Deleted, r.AuthorErased = deleted != 0, erased != 0
	if err := json.Unmarshal([]byte(moderation), &r.Moderated); err != nil {
		return reflection.Response{}, fmt.Errorf("decode moderation: %w", err)
	}
	return r, nil
}

func scanReaction(d dialect, scan func(dest ...any) error) (reflection.Reaction, error) {
	var (
		r  reflection.Reaction
		by string
		at = timeScan{d: d}
	)
	if err := scan(&r.ReflectionID, &by, &r.Kind, &at); err != nil {
		return reflection.Reaction{}, err
	}
	r.By, r.At = challenge.ParticipantID(by), at.t
	return r, nil
}

// getOne runs a query for at most one row and scans it with scanRow; no
// row is ErrNotFound.
func getOne[T any](ctx context.Context, t *tx, op, query string, args []any, scanRow func(scan func(dest ...any) error) (T, error)) (T, error) {
	var zero T
	if err := t.check(op); err != nil {
		return zero, err
	}
	row := t.c.QueryRowContext(ctx, t.s.d.rebind(query), t.s.d.args(args)...)
	v, err := scanRow(row.Scan)
	switch {
	case errors.Is(err, sqlNoRows):
		return zero, notFound(op)
	case err != nil:
		return zero, t.wrap(ctx, op, err)
	}
	return v, nil
}

// GetReflection implements [storage.ReflectionReader.GetReflection].
func (t *tx) GetReflection(ctx context.Context, id uuid.UUID) (reflection.Reflection, error) {
	return getOne(ctx, t, "get reflection "+id.String(),
		"SELECT "+reflectionColumns+" FROM habitkit_reflections WHERE id = ?", []any{id},
		func(scan func(...any) error) (reflection.Reflection, error) { return scanReflection(t.s.d, scan) })
}

// GetReflectionByKey implements [storage.ReflectionReader.GetReflectionByKey].
func (t *tx) GetReflectionByKey(ctx context.Context, key storage.ReflectionKey) (reflection.Reflection, error) {
	op := fmt.Sprintf("get reflection of enrolment %s day %d activity %q", key.EnrolmentID, key.Day, key.ActivityID)
	if key.EnrolmentID == uuid.Nil {
		return reflection.Reflection{}, notFound(op)
	}
	return getOne(ctx, t, op,
		"SELECT "+reflectionColumns+" FROM habitkit_reflections WHERE enrolment_id = ? AND day = ? AND activity_id = ?",
		[]any{key.EnrolmentID, key.Day, key.ActivityID},
		func(scan func(...any) error) (reflection.Reflection, error) { return scanReflection(t.s.d, scan) })
}

// visibilityCondition is the SQL form of reflection.CanRead for a
// reflection row and viewer v (who is not anonymous), with its arguments.
// The storagetest suite proves the two agree.
func visibilityCondition(v reflection.Viewer) (string, []any) {
	var b strings.Builder
	args := []any{string(v.Participant)}
	b.WriteString("deleted = 0 AND erased = 0 AND (author = ?")
	if v.Moderator {
		// Moderators are in every team and programme audience, and read
		// hidden reflections there.
		fmt.Fprintf(&b, " OR visibility IN (%d, %d))", reflection.Team, reflection.Programme)
		return b.String(), args
	}
	fmt.Fprintf(&b, " OR (hidden = 0 AND (visibility = %d", reflection.Programme)
	var teams []any
	for _, team := range append([]challenge.TeamID{v.Team}, v.ManagerOf...) {
		if team != "" && !slices.Contains(teams, any(string(team))) {
			teams = append(teams, string(team))
		}
	}
	if len(teams) > 0 {
		fmt.Fprintf(&b, " OR (visibility = %d AND author_team IN (?%s))", reflection.Team, strings.Repeat(", ?", len(teams)-1))
		args = append(args, teams...)
	}
	b.WriteString(")))")
	return b.String(), args
}

// ListReflections implements [storage.ReflectionReader.ListReflections]
// with one query: the viewer's visibility and every filter are in its
// WHERE clause, and it walks the (programme_id, id) or (programme_id,
// reactions, id) index from the cursor. A search adds the conditions of
// searchPlan, or is searchNewestSQLite on SQLite newest first, and on
// PostgreSQL searchNewestPostgres newest first and searchPostgres most
// reacted first.
func (t *tx) ListReflections(ctx context.Context, q storage.FeedQuery, cursor storage.Cursor, limit int) (storage.Page[reflection.Reflection], error) {
	op := fmt.Sprintf("list reflections of programme %q", q.ProgrammeID)
	var page storage.Page[reflection.Reflection]
	var c feedCursor
	if cursor != "" {
		if err := decodeCursor(cursor, feedListing, &c, &c.L); err != nil {
			return page, fmt.Errorf("sqlstore: %s: %w", op, err)
		}
		if c.Order != q.Order {
			return page, fmt.Errorf("sqlstore: %s: %w: cursor of another order", op, storage.ErrBadCursor)
		}
	}
	if q.Order != storage.Newest && q.Order != storage.MostReacted {
		return page, fmt.Errorf("sqlstore: %s: %w", op, challenge.Invalid("order", "must be Newest or MostReacted, not %d", q.Order))
	}
	if q.Viewer.Participant == "" {
		return page, nil // anonymous viewers read nothing
	}
	var words []string
	if q.Search != "" {
		if words = storage.SearchWords(q.Search); len(words) == 0 {
			return page, nil // a search without words matches nothing
		}
	}
	vis, visArgs := visibilityCondition(q.Viewer)
	// cond is every condition after programme_id = ? but the search's.
	cond := " AND " + vis
	args := append([]any{q.ProgrammeID}, visArgs...)
	if q.Day != 0 {
		cond += " AND day = ?"
		args = append(args, q.Day)
	}
	if q.TeamID != "" {
		cond += " AND author_team = ?"
		args = append(args, string(q.TeamID))
	}
	if q.ActivityID != "" {
		cond += " AND activity_id = ?"
		args = append(args, q.ActivityID)
	}
	if q.Author != "" {
		cond += " AND author = ?"
		args = append(args, string(q.Author))
	}
	order := " ORDER BY id DESC"
	if q.Order == storage.MostReacted {
		order = " ORDER BY reactions DESC, id DESC"
	}
	if len(words) > 0 && t.s.d.kind() == Postgres {
		var from *feedCursor
		if cursor != "" {
			from = &c
		}
		if q.Order == storage.Newest {
			return t.searchNewestPostgres(ctx, op, words, cond, args, from, storage.ClampLimit(limit))
		}
		return t.searchPostgres(ctx, op, q.Order, words, cond, args, from, storage.ClampLimit(limit))
	}
	var after *uuid.UUID
	if cursor != "" {
		if q.Order == storage.MostReacted {
			cond += " AND (reactions, id) < (?, ?)"
			args = append(args, c.Reactions, c.ID)
		} else {
			cond += " AND id < ?"
			args = append(args, c.ID)
			after = &c.ID
		}
	}
	list := func(query string, args []any) (storage.Page[reflection.Reflection], error) {
		return listPage(ctx, t, op, query, args, storage.ClampLimit(limit),
			func(scan func(...any) error) (reflection.Reflection, error) { return scanReflection(t.s.d, scan) },
			func(last reflection.Reflection) storage.Cursor {
				return storage.EncodeCursor(feedCursor{L: feedListing, Order: q.Order, Reactions: last.Reactions, ID: last.ID})
			})
	}
	if len(words) == 0 {
		return list("SELECT "+reflectionColumns+" FROM habitkit_reflections WHERE programme_id = ?"+cond+order, args)
	}
	if t.s.d.kind() == SQLite && q.Order == storage.Newest {
		return searchNewestSQLite(words, cond, args, after, storage.ClampLimit(limit), list)
	}
	plan, err := t.searchPlan(ctx, op, words)
	if err != nil {
		return page, err
	}
	from := "habitkit_reflections"
	if plan.from != "" {
		from = plan.from
	}
	return list("SELECT "+reflectionColumns+" FROM "+from+" WHERE programme_id = ?"+cond+plan.cond+order, append(args, plan.condArgs...))
}

// searchNewestSQLite is a newest-first search on SQLite. FTS5 returns its
// matches in rowid (seq) order, and among the reflections stored with
// in_order = 1 (each had an ID above every ID stored before it) seq order
// is ID order. So for those the search walks the full-text matches
// newest first and stops as soon as the page is full: no sort, and no row
// read beyond the page but the unreadable ones. The reflections stored out
// of order (in_order = 0, normally none) are searched apart through their
// own index, and the two lists merged by ID. list runs a query (with cond
// and args, which hold the cursor's ID condition) for one page.
func searchNewestSQLite(words []string, cond string, args []any, after *uuid.UUID, limit int,
	list func(query string, args []any) (storage.Page[reflection.Reflection], error)) (storage.Page[reflection.Reflection], error) {
	var like searchQuery
	like.like(words)
	inOrder := "SELECT " + reflectionColumns + " FROM habitkit_reflection_search CROSS JOIN habitkit_reflections" +
		" ON habitkit_reflections.seq = habitkit_reflection_search.rowid" +
		" WHERE habitkit_reflection_search MATCH ? AND in_order = 1 AND programme_id = ?" + cond + like.cond
	inArgs := append(append([]any{ftsMatch(words)}, args...), like.condArgs...)
	if after != nil {
		// Start the full-text walk below the cursor: in_order rows with
		// an ID at or above it have a seq at or above the first of them.
		inOrder += " AND habitkit_reflection_search.rowid < COALESCE((SELECT seq FROM habitkit_reflections" +
			" WHERE in_order = 1 AND id >= ? ORDER BY id LIMIT 1), 9223372036854775807)"
		inArgs = append(inArgs, *after)
	}
	a, err := list(inOrder+" ORDER BY habitkit_reflection_search.rowid DESC", inArgs)
	if err != nil {
		return a, err
	}
	b, err := list("SELECT "+reflectionColumns+" FROM habitkit_reflections WHERE in_order = 0 AND programme_id = ?"+cond+like.cond+" ORDER BY id DESC",
		append(slices.Clone(args), like.condArgs...))
	if err != nil {
		return b, err
	}
	if len(b.Items) == 0 {
		return a, nil
	}
	// Each list holds its first limit items and a cursor when it has more;
	// the merged page is the first limit of both.
	items := append(a.Items, b.Items...)
	slices.SortFunc(items, func(x, y reflection.Reflection) int { return bytes.Compare(y.ID[:], x.ID[:]) })
	page := storage.Page[reflection.Reflection]{Items: items}
	if len(items) > limit || a.Next != "" || b.Next != "" {
		page.Items = items[:limit]
		last := page.Items[limit-1]
		page.Next = storage.EncodeCursor(feedCursor{L: feedListing, Order: storage.Newest, ID: last.ID})
	}
	return page, nil
}

// ftsMatch is an FTS5 query for every word: phrases, implicitly ANDed
// ("w1" "w2").
func ftsMatch(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
	}
	return strings.Join(quoted, " ")
}

// searchFTSBelow tunes SQLite's choice in searchPlan: a search starts
// from the full-text table when its matches m satisfy m² < searchFTSBelow ×
// n, n the reflections stored. Starting there costs a row lookup per
// match (m); walking the order's index costs a row per 1/density for each
// row of the page, about 40·n/m for a page of 20 read by someone who may
// read half of them. The two meet near m² = 40·n × (cost of a walked row /
// cost of a looked-up row); a looked-up row cost about 1.5 walked rows in
// timings at a million rows. The choice changes speed only, never rows.
const searchFTSBelow = 25

// fewMatches reports whether SQLite's full-text query match has few
// enough matches, for searchFTSBelow and the number of reflections stored
// (the largest seq, which is near enough), that a search should start from
// the full-text table. It counts no further than that.
func (t *tx) fewMatches(ctx context.Context, op, match string) (bool, error) {
	var stored int64
	if err := t.queryRow(ctx, op, "SELECT COALESCE(MAX(seq), 0) FROM habitkit_reflections", nil, &stored); err != nil {
		return false, err
	}
	limit := int64(math.Sqrt(float64(searchFTSBelow*stored))) + 1
	var matches int64
	if err := t.queryRow(ctx, op, "SELECT COUNT(*) FROM (SELECT rowid FROM habitkit_reflection_search WHERE habitkit_reflection_search MATCH ? LIMIT ?)",
		[]any{match, limit}, &matches); err != nil {
		return false, err
	}
	return matches < limit, nil
}

// searchQuery is how ListReflections searches: from (without
// placeholders) replaces the FROM clause when not empty, and cond
// (starting with " AND ") with condArgs is added to the WHERE clause.
type searchQuery struct {
	from     string
	cond     string
	condArgs []any
}

// like adds search_text LIKE '% word %' for each word: a whole-word match,
// exact whatever a full-text index does (words hold no LIKE wildcards:
// they are letters, numbers and marks only).
func (p *searchQuery) like(words []string) {
	for _, w := range words {
		p.cond += " AND habitkit_reflections.search_text LIKE ?"
		p.condArgs = append(p.condArgs, "% "+w+" %")
	}
}

// searchPlan returns the conditions that keep the reflections matching
// every word.
//
// PostgreSQL searches with searchPostgres.
//
// SQLite (MostReacted; Newest is searchNewestSQLite): FTS5 cannot return
// its matches in that order, so a search either starts from the full-text
// table and sorts its matches (cheap when they are few) or walks the
// order's index checking LIKE alone (cheap when they are many, since a
// page fills quickly). searchPlan counts the matches, up to the point
// where walking wins, and picks; both give the same rows.
//
// MySQL: InnoDB FULLTEXT narrows (its words differ from SearchWords, and
// short words and stopwords are not indexed), LIKE makes it exact.
func (t *tx) searchPlan(ctx context.Context, op string, words []string) (searchQuery, error) {
	var p searchQuery
	switch t.s.d.kind() {
	case SQLite:
		match := ftsMatch(words)
		fts := t.s.searchFrom > 0
		if t.s.searchFrom == 0 {
			var err error
			if fts, err = t.fewMatches(ctx, op, match); err != nil {
				return p, err
			}
		}
		if fts {
			// CROSS JOIN keeps the full-text table outermost.
			p.from = "habitkit_reflection_search CROSS JOIN habitkit_reflections ON habitkit_reflections.seq = habitkit_reflection_search.rowid"
			p.cond = " AND habitkit_reflection_search MATCH ?"
			p.condArgs = []any{match}
		}
		p.like(words)
	case MySQL:
		minLen, maxLen, err := t.s.fullTextTokenSizes(ctx, t, op)
		if err != nil {
			return p, err
		}
		var terms []string
		for _, w := range words {
			if n := len([]rune(w)); n >= minLen && n <= maxLen && !innodbStopwords[w] {
				terms = append(terms, "+"+w)
			}
		}
		if len(terms) > 0 {
			p.cond = " AND MATCH (search_text) AGAINST (? IN BOOLEAN MODE)"
			p.condArgs = []any{strings.Join(terms, " ")}
		}
		p.like(words)
	}
	return p, nil
}

// pgDensitySample is how many of each word's keys, newest first from the
// cursor, a PostgreSQL newest-first search of several words reads to find
// its rarest; see searchNewestPostgres.
const pgDensitySample = 64

// searchNewestPostgres is a newest-first search for words on PostgreSQL,
// from the cursor from (nil for the first page). cond and args are
// ListReflections' conditions after programme_id = ? (but the cursor's)
// with their arguments, the programme first.
//
// habitkit_reflection_words holds each (programme, word)'s reflections by
// ID, so one statement walks the keys of one word, the driver, newest
// first from the cursor (an index-only scan, stopping when the page is
// full); keeps the reflections that have every other word's key, each
// probed in the primary key (EXISTS with OFFSET 0, so a correlated probe
// per row, never a join the planner could turn into reading every key of
// a common word); and only then reads the reflection (a LATERAL subquery
// with OFFSET 0: one primary-key lookup per candidate) and checks the
// viewer's conditions and the words themselves there (search_vector, and
// LIKE for words too long for a lexeme; a key only narrows). It reads
// about a page divided by the density of readable matches among the
// driver's reflections, with no sort and no read of a word's whole list,
// whatever the words' frequencies.
//
// The driver is the rarest word near the cursor, chosen from rows, not
// statistics, in the same statement: the word whose pgDensitySample-th key
// below the cursor is the oldest, or which has fewer (an InitPlan reading
// that many keys of each word). Probing from the rarest word makes the
// fewest probes: for one word in a hundred with one in ten, a page of 20
// read by a team member takes about 350 probes, where driving from the
// common word would take 3,500. Tests fix the driver with searchFrom (1 the
// first word, -1 the last); either gives the same rows.
func (t *tx) searchNewestPostgres(ctx context.Context, op string, words []string, cond string, args []any,
	from *feedCursor, limit int) (storage.Page[reflection.Reflection], error) {
	keys := pgWordKeys(args[0].(string), words)
	tsq, long := pgTsquery(words)
	var check searchQuery
	if tsq != "" {
		check.cond, check.condArgs = " AND ts_match_vq(search_vector, ?::tsquery)", []any{tsq}
	}
	check.like(long)
	var below string
	var belowArgs []any
	if from != nil {
		below, belowArgs = " AND reflection_id < ?", []any{from.ID}
	}
	driver, driverArgs := "?", []any{keys[0]}
	switch {
	case len(keys) == 1 || t.s.searchFrom == 1:
	case t.s.searchFrom == -1:
		driverArgs = []any{keys[len(keys)-1]}
	default:
		driver = "(SELECT k FROM unnest(?::bigint[]) k ORDER BY (SELECT reflection_id FROM habitkit_reflection_words WHERE word_key = k" + below +
			" ORDER BY reflection_id DESC OFFSET ? LIMIT 1) NULLS FIRST LIMIT 1)"
		driverArgs = slices.Concat([]any{pgKeyArray(keys)}, belowArgs, []any{pgDensitySample - 1})
	}
	var probes strings.Builder
	var probeArgs []any
	if len(keys) > 1 {
		for _, k := range keys {
			// The driver's own key needs no probe.
			probes.WriteString(" AND (w.word_key = ? OR EXISTS (SELECT 1 FROM habitkit_reflection_words x" +
				" WHERE x.word_key = ? AND x.reflection_id = w.reflection_id OFFSET 0))")
			probeArgs = append(probeArgs, k, k)
		}
	}
	query := "SELECT " + reflectionColumns + " FROM habitkit_reflection_words w CROSS JOIN LATERAL (SELECT " + reflectionColumns +
		" FROM habitkit_reflections WHERE id = w.reflection_id AND programme_id = ?" + cond + check.cond + " OFFSET 0) habitkit_reflections" +
		" WHERE w.word_key = " + driver + strings.Replace(below, "reflection_id", "w.reflection_id", 1) + probes.String() +
		" ORDER BY w.reflection_id DESC"
	return listPage(ctx, t, op, query, slices.Concat(args, check.condArgs, driverArgs, belowArgs, probeArgs), limit,
		func(scan func(...any) error) (reflection.Reflection, error) { return scanReflection(t.s.d, scan) },
		func(last reflection.Reflection) storage.Cursor {
			return storage.EncodeCursor(feedCursor{L: feedListing, Order: storage.Newest, ID: last.ID})
		})
}

// pgSearchWindow is how many rows of the order's index a PostgreSQL
// search reads before it chooses how to go on, and pgWalkFrom how many
// readable matches it must have found among them to go on walking; see
// searchPostgres.
const (
	pgSearchWindow = 1000
	pgWalkFrom     = 3
)

// pgTsquery returns the tsquery text that matches every word that fits in
// a lexeme ('w1' & 'w2'; empty when none does) and the words that do not.
func pgTsquery(words []string) (string, []string) {
	var lexemes, long []string
	for _, w := range words {
		if len(w) < pgLexemeMax {
			// Words are letters, numbers and marks: no quote to escape.
			lexemes = append(lexemes, "'"+w+"'")
		} else {
			long = append(long, w)
		}
	}
	return strings.Join(lexemes, " & "), long
}

// searchPostgres is a search for words on PostgreSQL, in order, from the
// cursor from (nil for the first page). ListReflections uses it for
// MostReacted; newest first is searchNewestPostgres. cond and args are
// ListReflections' conditions after programme_id = ? (but the cursor's)
// with their arguments, the programme first.
//
// search_vector holds the words exactly, so search_vector @@ 'w1' & 'w2'
// is the whole match (plus LIKE for words too long for a lexeme). There
// are two ways to find a page of matches, and which is fast depends on how
// many reflections match, which the planner only estimates from sampled
// statistics (its choice flipped between ANALYZE runs, from 3 to 20 ms at
// a million reflections), so searchPostgres chooses itself, from rows:
//
//   - walk: read the order's index from the cursor and check each row
//     with ts_match_vq (which the GIN index cannot serve, so the planner
//     walks), stopping when the page is full. It reads about a page
//     divided by the density of readable matches: cheap when they are
//     common.
//   - gin: take every match of the programme below the cursor from the
//     GIN index (in a subquery with OFFSET 0, so that the planner cannot
//     turn it into a walk), keep the readable ones, sort and page them. It
//     reads a heap page per match: cheap when matches are few.
//
// It first walks at most pgSearchWindow rows of the order's index (as a
// subquery with LIMIT), which returns the page's first items and stops as
// soon as the page is full; when it is not, the items found tell the
// density. With pgWalkFrom or more (the walk is expected to fill a page of
// 20 within 7 windows, about 2 ms, while the GIN index would return
// thousands of matches per million reflections) it walks on from the last
// item found; with fewer, matches are rare enough that the GIN index
// returns few and a walk would be long, so it takes the rest from there by
// the GIN index. All of it is one statement: the window is a MATERIALIZED
// CTE, and each way on is a branch of a UNION ALL gated by the count of its
// items (an InitPlan, so a branch whose gate is false does not run). The
// GIN branch also runs only when the window was full: if the programme
// (below the cursor) has fewer rows, the window holds every match. Either
// way the rows are those the conditions select, in order: the choice
// changes speed only, never rows, and depends only on the stored rows, not
// on statistics. Tests fix the way with searchFrom (1 GIN, -1 walk).
func (t *tx) searchPostgres(ctx context.Context, op string, order storage.FeedOrder, words []string, cond string, args []any,
	from *feedCursor, limit int) (storage.Page[reflection.Reflection], error) {
	orderBy := " ORDER BY id DESC"
	if order == storage.MostReacted {
		orderBy = " ORDER BY reactions DESC, id DESC"
	}
	// below is the condition that keeps the rows after a cursor.
	below := func(c *feedCursor) (string, []any) {
		switch {
		case c == nil:
			return "", nil
		case order == storage.MostReacted:
			return " AND (reactions, id) < (?, ?)", []any{c.Reactions, c.ID}
		}
		return " AND id < ?", []any{c.ID}
	}
	// run reads up to n items of query, and a cursor when there are more.
	run := func(query string, args []any, n int) (storage.Page[reflection.Reflection], error) {
		return listPage(ctx, t, op, query, args, n,
			func(scan func(...any) error) (reflection.Reflection, error) { return scanReflection(t.s.d, scan) },
			func(last reflection.Reflection) storage.Cursor {
				return storage.EncodeCursor(feedCursor{L: feedListing, Order: order, Reactions: last.Reactions, ID: last.ID})
			})
	}
	tsq, long := pgTsquery(words)
	var like searchQuery
	like.like(long)
	curCond, curArgs := below(from)
	if tsq == "" {
		// Only words too long for a lexeme: LIKE alone, in the order's index.
		return run("SELECT "+reflectionColumns+" FROM habitkit_reflections WHERE programme_id = ?"+cond+curCond+like.cond+orderBy,
			slices.Concat(args, curArgs, like.condArgs), limit)
	}
	match := " AND search_vector @@ ?::tsquery" + like.cond
	walk := " AND ts_match_vq(search_vector, ?::tsquery)" + like.cond
	matchArgs := append([]any{tsq}, like.condArgs...)
	all := "SELECT " + reflectionColumns + " FROM habitkit_reflections WHERE programme_id = ?" + cond + curCond
	allArgs := slices.Concat(args, curArgs, matchArgs)
	switch t.s.searchFrom {
	case -1: // set by tests: walk
		return run(all+walk+orderBy, allArgs, limit)
	case 1: // set by tests: the GIN index
		return run("SELECT "+reflectionColumns+" FROM ("+all+match+" OFFSET 0) habitkit_reflections"+orderBy, allArgs, limit)
	}
	// One statement: w is the window's items; then, below the last of
	// them, the walk runs when w holds pgWalkFrom items or more but not a
	// full page, the GIN index when it holds fewer. A branch whose
	// condition (an InitPlan) is false is not run.
	last := " AND id < (SELECT id FROM w ORDER BY id LIMIT 1)"
	if order == storage.MostReacted {
		last = " AND (reactions, id) < ((SELECT reactions FROM w ORDER BY reactions, id LIMIT 1), (SELECT id FROM w ORDER BY reactions, id LIMIT 1))"
	}
	found := "(SELECT COUNT(*) FROM w)"
	// The window takes the table's name so that the conditions apply to
	// it unchanged.
	query := "WITH w AS MATERIALIZED (SELECT " + reflectionColumns + " FROM (SELECT * FROM habitkit_reflections WHERE programme_id = ?" + curCond + orderBy +
		" LIMIT ?) habitkit_reflections WHERE programme_id = ?" + cond + walk + orderBy + " LIMIT ?)" +
		" SELECT " + reflectionColumns + " FROM (SELECT * FROM w" +
		" UNION ALL (" + all + last + walk + " AND " + found + " BETWEEN ? AND ?" + orderBy + " LIMIT ?)" +
		" UNION ALL (SELECT " + reflectionColumns + " FROM (" + all + " AND (" + found + " = 0 OR " + last[5:] + ")" + match +
		" OFFSET 0) habitkit_reflections WHERE " + found + " < ? AND (SELECT COUNT(*) FROM (SELECT 1 FROM habitkit_reflections WHERE programme_id = ?" + curCond +
		" LIMIT ?) full_window) = ?" + orderBy + " LIMIT ?)) habitkit_reflections" + orderBy
	qArgs := slices.Concat([]any{args[0]}, curArgs, []any{pgSearchWindow}, args, matchArgs, []any{limit + 1},
		allArgs, []any{pgWalkFrom, limit, limit + 1},
		args, curArgs, matchArgs, []any{pgWalkFrom, args[0]}, curArgs, []any{pgSearchWindow, pgSearchWindow, limit + 1})
	return run(query, qArgs, limit)
}

// innodbStopwords is InnoDB's default full-text stopword list
// (INFORMATION_SCHEMA.INNODB_FT_DEFAULT_STOPWORD). Its words are not
// indexed, so a search matches them with LIKE alone.
var innodbStopwords = map[string]bool{
	"a": true, "about": true, "an": true, "are": true, "as": true, "at": true, "be": true, "by": true,
	"com": true, "de": true, "en": true, "for": true, "from": true, "how": true, "i": true, "in": true,
	"is": true, "it": true, "la": true, "of": true, "on": true, "or": true, "that": true, "the": true,
	"this": true, "to": true, "was": true, "what": true, "when": true, "where": true, "who": true,
	"will": true, "with": true, "und": true, "www": true,
}

// fullTextTokenSizes returns InnoDB's smallest and largest indexed word
// lengths, read from the server once.
func (s *Store) fullTextTokenSizes(ctx context.Context, t *tx, op string) (int, int, error) {
	if v := s.ftTokens.Load(); v != nil {
		return v[0], v[1], nil
	}
	var minLen, maxLen int
	if err := t.queryRow(ctx, op, "SELECT @@innodb_ft_min_token_size, @@innodb_ft_max_token_size", nil, &minLen, &maxLen); err != nil {
		return 0, 0, err
	}
	s.ftTokens.Store(&[2]int{minLen, maxLen})
	return minLen, maxLen, nil
}

// GetResponse implements [storage.ReflectionReader.GetResponse].
func (t *tx) GetResponse(ctx context.Context, id uuid.UUID) (reflection.Response, error) {
	return getOne(ctx, t, "get response "+id.String(),
		"SELECT "+responseColumns+" FROM habitkit_reflection_responses WHERE id = ?", []any{id},
		func(scan func(...any) error) (reflection.Response, error) { return scanResponse(t.s.d, scan) })
}

// ListResponses implements [storage.ReflectionReader.ListResponses].
func (t *tx) ListResponses(ctx context.Context, reflectionID uuid.UUID, cursor storage.Cursor, limit int) (storage.Page[reflection.Response], error) {
	op := "list responses to reflection " + reflectionID.String()
	q := "SELECT " + responseColumns + " FROM habitkit_reflection_responses WHERE reflection_id = ?"
	args := []any{reflectionID}
	if cursor != "" {
		var c responseCursor
		if err := decodeCursor(cursor, responsesListing, &c, &c.L); err != nil {
			return storage.Page[reflection.Response]{}, fmt.Errorf("sqlstore: %s: %w", op, err)
		}
		q += " AND id > ?"
		args = append(args, c.ID)
	}
	return listPage(ctx, t, op, q+" ORDER BY id", args, storage.ClampLimit(limit),
		func(scan func(...any) error) (reflection.Response, error) { return scanResponse(t.s.d, scan) },
		func(last reflection.Response) storage.Cursor {
			return storage.EncodeCursor(responseCursor{L: responsesListing, ID: last.ID})
		})
}

// GetReaction implements [storage.ReflectionReader.GetReaction].
func (t *tx) GetReaction(ctx context.Context, reflectionID uuid.UUID, by challenge.ParticipantID) (reflection.Reaction, error) {
	return getOne(ctx, t, fmt.Sprintf("get reaction of %q to reflection %s", by, reflectionID),
		"SELECT "+reactionColumns+" FROM habitkit_reflection_reactions WHERE reflection_id = ? AND participant = ?",
		[]any{reflectionID, string(by)},
		func(scan func(...any) error) (reflection.Reaction, error) { return scanReaction(t.s.d, scan) })
}

// ListReactionsBy implements [storage.ReflectionReader.ListReactionsBy]
// with one query per MaxLimit reflections.
func (t *tx) ListReactionsBy(ctx context.Context, by challenge.ParticipantID, reflectionIDs []uuid.UUID) ([]reflection.Reaction, error) {
	op := fmt.Sprintf("list reactions of %q", by)
	var out []reflection.Reaction
	for chunk := range slices.Chunk(reflectionIDs, storage.MaxLimit) {
		args := []any{string(by)}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := t.query(ctx, op, "SELECT "+reactionColumns+" FROM habitkit_reflection_reactions WHERE participant = ? AND reflection_id IN (?"+
			strings.Repeat(", ?", len(chunk)-1)+")", args...)
		if err != nil {
			return nil, err
		}
		err = func() error {
			defer rows.Close()
			for rows.Next() {
				r, err := scanReaction(t.s.d, rows.Scan)
				if err != nil {
					return t.wrap(ctx, op, err)
				}
				out = append(out, r)
			}
			if err := rows.Err(); err != nil {
				return t.wrap(ctx, op, err)
			}
			return nil
		}()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// InsertReflection implements [storage.ReflectionWriter.InsertReflection].
func (t *tx) InsertReflection(ctx context.Context, r reflection.Reflection) error {
	op := "insert reflection " + r.ID.String()
	answers, err := json.Marshal(r.Answers)
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	moderation, err := encodeModerated(r.Moderated)
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	cols, values, searchArgs := t.searchInsert(r.ID, searchText(r.Answers))
	if err := t.insert(ctx, op,
		"INSERT INTO habitkit_reflections ("+reflectionColumns+cols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?"+values+")",
		append([]any{r.ID, r.ProgrammeID, nullUUID(r.EnrolmentID), string(r.Author), string(r.AuthorTeam), r.Day, r.ActivityID, r.VariationID,
			string(answers), int(r.Visibility), t.timeArg(r.CreatedAt), t.nullTime(r.EditedAt), moderation,
			flag(r.Hidden), flag(r.Deleted), flag(r.AuthorErased), r.Version}, searchArgs...)...); err != nil {
		return err
	}
	if t.s.d.kind() == Postgres {
		return t.pgIndexWords(ctx, op, r.ID, pgWordKeys(r.ProgrammeID, storage.ReflectionSearchWords(r.Answers)), nil)
	}
	return t.indexSearch(ctx, op, r.ID)
}

// indexSearch adds the reflection's search_text to SQLite's external-content
// full-text table; MySQL indexes the column itself, and PostgreSQL's words
// are written by pgIndexWords.
func (t *tx) indexSearch(ctx context.Context, op string, id uuid.UUID) error {
	if t.s.d.kind() != SQLite {
		return nil
	}
	_, err := t.exec(ctx, op,
		"INSERT INTO habitkit_reflection_search (rowid, search_text) SELECT seq, search_text FROM habitkit_reflections WHERE id = ?", id)
	return err
}

// unindexSearch removes the reflection's current search_text from SQLite's
// full-text table, before the column changes.
func (t *tx) unindexSearch(ctx context.Context, op string, id uuid.UUID) error {
	if t.s.d.kind() != SQLite {
		return nil
	}
	_, err := t.exec(ctx, op,
		"INSERT INTO habitkit_reflection_search (habitkit_reflection_search, rowid, search_text) SELECT 'delete', seq, search_text FROM habitkit_reflections WHERE id = ?", id)
	return err
}

// UpdateReflection implements [storage.ReflectionWriter.UpdateReflection]
// as a compare-and-swap on the version column, like UpdateEnrolment.
func (t *tx) UpdateReflection(ctx context.Context, r reflection.Reflection) error {
	op := fmt.Sprintf("update reflection %s version %d", r.ID, r.Version)
	answers, err := json.Marshal(r.Answers)
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	moderation, err := encodeModerated(r.Moderated)
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	text := searchText(r.Answers)
	// The old text leaves the full-text index first (SQLite only); the
	// whole transaction fails if the update below does.
	var stored, programme string
	err = t.queryRow(ctx, op, "SELECT search_text, programme_id FROM habitkit_reflections WHERE id = ? AND version = ?"+t.lockIfWrite(),
		[]any{r.ID, r.Version}, &stored, &programme)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		ok, err := t.exists(ctx, op, "SELECT 1 FROM habitkit_reflections WHERE id = ?", r.ID)
		switch {
		case err != nil:
			return err
		case !ok:
			return notFound(op)
		}
		return fmt.Errorf("sqlstore: %s: %w: the stored version differs", op, storage.ErrConflict)
	case err != nil:
		return err
	}
	reindex := stored != text
	if reindex {
		if err := t.unindexSearch(ctx, op, r.ID); err != nil {
			return err
		}
	}
	set, setArgs := "search_text = ?", []any{text}
	if t.s.d.kind() == Postgres {
		set, setArgs = set+", search_vector = "+pgVector, append(setArgs, pgLexemes(text))
	}
	n, err := t.exec(ctx, op,
		"UPDATE habitkit_reflections SET enrolment_id = ?, author = ?, author_team = ?, variation_id = ?, answers = ?, visibility = ?, "+
			"edited_at = ?, moderation = ?, hidden = ?, deleted = ?, erased = ?, "+set+", version = version + 1 WHERE id = ? AND version = ?",
		append(append([]any{nullUUID(r.EnrolmentID), string(r.Author), string(r.AuthorTeam), r.VariationID, string(answers), int(r.Visibility),
			t.nullTime(r.EditedAt), moderation, flag(r.Hidden), flag(r.Deleted), flag(r.AuthorErased)}, setArgs...), r.ID, r.Version)...)
	if err != nil {
		return err
	}
	if n == 0 {
		// The row was locked and matched above; only a missing lock
		// (SQLite needs none: writers are serialized) could get here.
		return fmt.Errorf("sqlstore: %s: %w: the stored version differs", op, storage.ErrConflict)
	}
	switch {
	case !reindex:
		return nil
	case t.s.d.kind() == Postgres:
		was, now := pgWordKeys(programme, strings.Fields(stored)), pgWordKeys(programme, strings.Fields(text))
		return t.pgIndexWords(ctx, op, r.ID, without(now, was), without(was, now))
	}
	return t.indexSearch(ctx, op, r.ID)
}

// lockIfWrite is the dialect's lock suffix in a write transaction.
func (t *tx) lockIfWrite() string {
	if t.write {
		return t.s.d.lockSuffix()
	}
	return ""
}

// lockReflection locks the reflection with id for the rest of the
// transaction and reports whether it exists. Response and reaction writes
// take it first, so that concurrent writers of one reflection's counts
// and reactions queue rather than conflict.
func (t *tx) lockReflection(ctx context.Context, op string, id uuid.UUID) error {
	ok, err := t.exists(ctx, op, "SELECT 1 FROM habitkit_reflections WHERE id = ?"+t.lockIfWrite(), id)
	switch {
	case err != nil:
		return err
	case !ok:
		return fmt.Errorf("sqlstore: %s: reflection %s: %w", op, id, storage.ErrNotFound)
	}
	return nil
}

// addCounts adds to the reflection's counts in the same transaction.
func (t *tx) addCounts(ctx context.Context, op string, id uuid.UUID, responses, reactions int) error {
	_, err := t.exec(ctx, op, "UPDATE habitkit_reflections SET responses = responses + ?, reactions = reactions + ? WHERE id = ?",
		responses, reactions, id)
	return err
}

// countsResponse reports whether a response counts toward its
// reflection's Responses.
func countsResponse(deleted, hidden, erased bool) bool { return !deleted && !hidden && !erased }

// InsertResponse implements [storage.ReflectionWriter.InsertResponse].
func (t *tx) InsertResponse(ctx context.Context, r reflection.Response) error {
	op := "insert response " + r.ID.String()
	moderation, err := encodeModerated(r.Moderated)
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	if err := t.lockReflection(ctx, op, r.ReflectionID); err != nil {
		return err
	}
	if err := t.insert(ctx, op,
		"INSERT INTO habitkit_reflection_responses ("+responseColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		r.ID, r.ReflectionID, string(r.Author), string(r.AuthorTeam), r.Text, t.timeArg(r.CreatedAt), t.nullTime(r.EditedAt),
		moderation, flag(r.Hidden), flag(r.Deleted), flag(r.AuthorErased), r.Version); err != nil {
		return err
	}
	if countsResponse(r.Deleted, r.Hidden, r.AuthorErased) {
		return t.addCounts(ctx, op, r.ReflectionID, 1, 0)
	}
	return nil
}

// UpdateResponse implements [storage.ReflectionWriter.UpdateResponse]. ID,
// ReflectionID and CreatedAt keep their stored values.
func (t *tx) UpdateResponse(ctx context.Context, r reflection.Response) error {
	op := fmt.Sprintf("update response %s version %d", r.ID, r.Version)
	moderation, err := encodeModerated(r.Moderated)
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	var (
		parent                  uuid.UUID
		version                 int64
		hidden, deleted, erased int
	)
	err = t.queryRow(ctx, op, "SELECT reflection_id, version, hidden, deleted, erased FROM habitkit_reflection_responses WHERE id = ?",
		[]any{r.ID}, &parent, &version, &hidden, &deleted, &erased)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return notFound(op)
	case err != nil:
		return err
	case version != r.Version:
		return fmt.Errorf("sqlstore: %s: %w: the stored version differs", op, storage.ErrConflict)
	}
	// The parent's lock serializes writers of its responses and counts.
	if err := t.lockReflection(ctx, op, parent); err != nil {
		return err
	}
	n, err := t.exec(ctx, op,
		"UPDATE habitkit_reflection_responses SET author = ?, author_team = ?, text = ?, edited_at = ?, moderation = ?, "+
			"hidden = ?, deleted = ?, erased = ?, version = version + 1 WHERE id = ? AND version = ?",
		string(r.Author), string(r.AuthorTeam), r.Text, t.nullTime(r.EditedAt), moderation,
		flag(r.Hidden), flag(r.Deleted), flag(r.AuthorErased), r.ID, r.Version)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("sqlstore: %s: %w: the stored version differs", op, storage.ErrConflict)
	}
	was := countsResponse(deleted != 0, hidden != 0, erased != 0)
	switch now := countsResponse(r.Deleted, r.Hidden, r.AuthorErased); {
	case was && !now:
		return t.addCounts(ctx, op, parent, -1, 0)
	case !was && now:
		return t.addCounts(ctx, op, parent, 1, 0)
	}
	return nil
}

// PutReaction implements [storage.ReflectionWriter.PutReaction]: under the
// reflection's lock, replace the reaction, or insert it and count it.
func (t *tx) PutReaction(ctx context.Context, r reflection.Reaction) error {
	op := fmt.Sprintf("put reaction of %q to reflection %s", r.By, r.ReflectionID)
	if err := t.lockReflection(ctx, op, r.ReflectionID); err != nil {
		return err
	}
	n, err := t.exec(ctx, op, "UPDATE habitkit_reflection_reactions SET kind = ?, at = ? WHERE reflection_id = ? AND participant = ?",
		int(r.Kind), t.timeArg(r.At), r.ReflectionID, string(r.By))
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if t.s.d.kind() == MySQL {
		// MySQL counts changed rows, not matched ones: an identical
		// replacement changes none.
		ok, err := t.exists(ctx, op, "SELECT 1 FROM habitkit_reflection_reactions WHERE reflection_id = ? AND participant = ?",
			r.ReflectionID, string(r.By))
		if err != nil || ok {
			return err
		}
	}
	if err := t.insert(ctx, op, "INSERT INTO habitkit_reflection_reactions ("+reactionColumns+") VALUES (?, ?, ?, ?)",
		r.ReflectionID, string(r.By), int(r.Kind), t.timeArg(r.At)); err != nil {
		return err
	}
	return t.addCounts(ctx, op, r.ReflectionID, 0, 1)
}

// DeleteReaction implements [storage.ReflectionWriter.DeleteReaction].
func (t *tx) DeleteReaction(ctx context.Context, reflectionID uuid.UUID, by challenge.ParticipantID) error {
	op := fmt.Sprintf("delete reaction of %q to reflection %s", by, reflectionID)
	if err := t.lockReflection(ctx, op, reflectionID); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return notFound(op)
		}
		return err
	}
	n, err := t.exec(ctx, op, "DELETE FROM habitkit_reflection_reactions WHERE reflection_id = ? AND participant = ?",
		reflectionID, string(by))
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound(op)
	}
	return t.addCounts(ctx, op, reflectionID, 0, -1)
}
