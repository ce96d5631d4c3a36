package reflection_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/reflection"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCleanAnswer(t *testing.T) {
	tests := []struct {
		name   string
		rules  reflection.TextRules
		in     string
		want   string
		reason string // substring of the ValidationError reason; "" means ok
	}{
		{name: "ok plain", in: "I showed them the form.", want: "I showed them the form."},
		{name: "ok markup stays byte for byte", in: "<b>&amp;</b> <script>x</script>", want: "<b>&amp;</b> <script>x</script>"},
		{name: "ok trims unicode space", in: "\u00a0\u3000 \t\n hello \u2003\n", want: "hello"},
		{name: "ok keeps inner newlines and tabs", in: "a\n\tb\n\nc", want: "a\n\tb\n\nc"},
		{name: "ok CRLF becomes LF", in: "a\r\nb\r\n", want: "a\nb"},
		{name: "ok trailing lone CR is trimmed", in: "a\r", want: "a"},
		{name: "ok non-Latin and emoji", in: "Gwnaethom ni 👮‍♀️ — 良い", want: "Gwnaethom ni 👮‍♀️ — 良い"},
		{name: "ok no normalisation: decomposed é stays", in: "e\u0301", want: "e\u0301"},
		{name: "ok exactly MaxRunes runes", rules: reflection.TextRules{MaxRunes: 3}, in: "été", want: "été"},
		{name: "ok default limit is 4000 runes, not bytes", in: strings.Repeat("é", 4000), want: strings.Repeat("é", 4000)},
		{name: "empty", in: "", reason: "must not be empty"},
		{name: "only white space", in: " \n\t\u00a0\r\n", reason: "must not be empty"},
		{name: "invalid UTF-8", in: "ab\xffcd", reason: "valid UTF-8"},
		{name: "NUL", in: "a\x00b", reason: "U+0000"},
		{name: "bell", in: "a\ab", reason: "U+0007"},
		{name: "lone CR inside", in: "a\rb", reason: "U+000D"},
		{name: "escape", in: "a\x1b[31mb", reason: "U+001B"},
		{name: "DEL", in: "a\x7fb", reason: "U+007F"},
		{name: "C1 control", in: "a\u0085b", reason: "U+0085"},
		{name: "one rune too long", rules: reflection.TextRules{MaxRunes: 3}, in: "abcd", reason: "at most 3 characters"},
		{name: "default limit exceeded", in: strings.Repeat("é", 4001), reason: "at most 4000 characters long (it is 4001)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.rules.CleanAnswer("answers[2].text", tt.in)
			if tt.reason == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
				return
			}
			require.Error(t, err)
			assert.Empty(t, got)
			assert.ErrorIs(t, err, challenge.ErrInvalid)
			var ve *challenge.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "answers[2].text", ve.Field)
			assert.Contains(t, ve.Reason, tt.reason)
		})
	}
}

func TestValidateAnswers(t *testing.T) {
	prompts := []string{"What did you do?", "What did they say?", "What next?"}
	var rules reflection.TextRules
	tests := []struct {
		name    string
		rules   reflection.TextRules
		prompts []string
		answers []reflection.Answer
		want    []reflection.Answer
		fields  []string // every field reported, in order
	}{
		{name: "ok one answer cleaned", answers: []reflection.Answer{{Prompt: "What next?", Text: "  <i>more</i>\r\n"}},
			want: []reflection.Answer{{Prompt: "What next?", Text: "<i>more</i>"}}},
		{name: "ok all prompts, order kept",
			answers: []reflection.Answer{{Prompt: "What next?", Text: "c"}, {Prompt: "What did you do?", Text: "a"}, {Prompt: "What did they say?", Text: "b"}},
			want:    []reflection.Answer{{Prompt: "What next?", Text: "c"}, {Prompt: "What did you do?", Text: "a"}, {Prompt: "What did they say?", Text: "b"}}},
		{name: "no answers", answers: nil, fields: []string{"answers"}},
		{name: "too many answers", rules: reflection.TextRules{MaxAnswers: 1},
			answers: []reflection.Answer{{Prompt: "What next?", Text: "c"}, {Prompt: "What did you do?", Text: "a"}},
			fields:  []string{"answers"}},
		{name: "unknown prompt", answers: []reflection.Answer{{Prompt: "what next?", Text: "c"}}, fields: []string{"answers[0].prompt"}},
		{name: "no prompts accept nothing", prompts: []string{}, answers: []reflection.Answer{{Prompt: "", Text: "c"}}, fields: []string{"answers[0].prompt"}},
		{name: "prompt answered twice",
			answers: []reflection.Answer{{Prompt: "What next?", Text: "c"}, {Prompt: "What next?", Text: "d"}},
			fields:  []string{"answers[1].prompt"}},
		{name: "every problem at once",
			answers: []reflection.Answer{
				{Prompt: "What next?", Text: "ok"},
				{Prompt: "nope", Text: " "},
				{Prompt: "What next?", Text: "a\x00"},
				{Prompt: "What did you do?", Text: "\xff"},
			},
			fields: []string{"answers[1].prompt", "answers[1].text", "answers[2].prompt", "answers[2].text", "answers[3].text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := prompts
			if tt.prompts != nil {
				p = tt.prompts
			}
			r := rules
			if tt.rules != (reflection.TextRules{}) {
				r = tt.rules
			}
			got, err := r.ValidateAnswers(p, tt.answers)
			if tt.fields == nil {
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
				return
			}
			require.Error(t, err)
			assert.Nil(t, got)
			assert.ErrorIs(t, err, challenge.ErrInvalid)
			var ves challenge.ValidationErrors
			require.ErrorAs(t, err, &ves)
			fields := make([]string, len(ves))
			for i, ve := range ves {
				fields[i] = ve.Field
				assert.NotEmpty(t, ve.Reason)
			}
			assert.Equal(t, tt.fields, fields)
		})
	}
}

func TestValidateAnswersDoesNotModifyInput(t *testing.T) {
	in := []reflection.Answer{{Prompt: "p", Text: "  x  "}}
	got, err := reflection.TextRules{}.ValidateAnswers([]string{"p"}, in)
	require.NoError(t, err)
	assert.Equal(t, "x", got[0].Text)
	assert.Equal(t, "  x  ", in[0].Text)
}

// FuzzCleanAnswer checks the invariants of CleanAnswer. Plain go test runs
// only the seeds; fuzz with: go test ./reflection/ -run '^$' -fuzz FuzzCleanAnswer
func FuzzCleanAnswer(f *testing.F) {
	for _, s := range []string{
		"", " ", "hello", "<b>&amp;</b>", "a\r\nb", "a\r\r\nb", "a\r\r\n", "\r\n\r\n", "a\rb",
		"\x00", "\xff\xfe", "e\u0301", "\u00a0x\u2003", "a\u0085", "\u0085a\u0085", "\t\ta\t\t",
		"👮‍♀️", strings.Repeat("x", 21), "\ufeffbom",
	} {
		f.Add(s, 0)
		f.Add(s, 20)
	}
	f.Fuzz(func(t *testing.T, s string, maxRunes int) {
		rules := reflection.TextRules{MaxRunes: maxRunes % 100}
		got, err := rules.CleanAnswer("text", s)
		if err != nil {
			var ve *challenge.ValidationError
			if !errors.As(err, &ve) || ve.Field != "text" || ve.Reason == "" || !errors.Is(err, challenge.ErrInvalid) {
				t.Fatalf("CleanAnswer(%q): error %v is not a ValidationError for field text", s, err)
			}
			if got != "" {
				t.Fatalf("CleanAnswer(%q) returned %q with an error", s, got)
			}
			return
		}
		if !utf8.ValidString(got) {
			t.Fatalf("CleanAnswer(%q) = %q: invalid UTF-8", s, got)
		}
		if got == "" || strings.TrimFunc(got, unicode.IsSpace) != got || strings.Contains(got, "\r") {
			t.Fatalf("CleanAnswer(%q) = %q: empty, untrimmed or with CR", s, got)
		}
		limit := rules.MaxRunes
		if limit <= 0 {
			limit = reflection.DefaultMaxRunes
		}
		if n := utf8.RuneCountInString(got); n > limit {
			t.Fatalf("CleanAnswer(%q) = %q: %d runes over limit %d", s, got, n, limit)
		}
		again, err := rules.CleanAnswer("text", got)
		if err != nil || again != got {
			t.Fatalf("CleanAnswer not idempotent on %q: got %q, %v", got, again, err)
		}
	})
}
