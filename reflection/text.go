package reflection

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/habitkit/habitkit/challenge"
)

// Defaults for [TextRules] fields left at zero.
const (
	// DefaultMaxRunes is the default longest text, in characters.
	DefaultMaxRunes = 4000
	// DefaultMaxAnswers is the default largest number of answers in one
	// reflection.
	DefaultMaxAnswers = 10
)

// TextRules bounds the text participants write. The zero value is ready to
// use and applies the defaults.
type TextRules struct {
	// MaxRunes is the longest text accepted, counted in characters (runes)
	// after cleaning, not bytes. Zero or less means DefaultMaxRunes.
	MaxRunes int
	// MaxAnswers is the largest number of answers in one reflection. Zero
	// or less means DefaultMaxAnswers.
	MaxAnswers int
}

func (r TextRules) maxRunes() int {
	if r.MaxRunes <= 0 {
		return DefaultMaxRunes
	}
	return r.MaxRunes
}

func (r TextRules) maxAnswers() int {
	if r.MaxAnswers <= 0 {
		return DefaultMaxAnswers
	}
	return r.MaxAnswers
}

// CleanAnswer checks and cleans one piece of participant text (an answer,
// a response, a flag reason) and returns it as it will be stored. In order:
//
//   - s must be valid UTF-8;
//   - every "\r\n" becomes "\n", so text typed on any platform is stored
//     the same way and counted the same way;
//   - leading and trailing Unicode white space is trimmed;
//   - at least one character must remain, and at most MaxRunes;
//   - no control character (Unicode category Cc: NUL and the other C0
//     controls, DEL, the C1 controls) may remain, except "\n" and "\t".
//     A lone "\r" is a control character and is refused.
//
// Nothing else changes: the text is never HTML-escaped, normalised or
// re-cased, so "<b>&amp;" is stored byte for byte and escaped only when a
// page renders it. Cleaning is idempotent: cleaning a cleaned text returns
// it unchanged.
//
// A problem is returned as a *challenge.ValidationError for field whose
// Reason is safe to show to the writer.
func (r TextRules) CleanAnswer(field, s string) (string, error) {
	clean, verr := r.clean(field, s)
	if verr != nil {
		return "", verr // never a typed nil inside a non-nil error
	}
	return clean, nil
}

// clean is CleanAnswer with a concrete error type, so ValidateAnswers can
// collect problems without type assertions.
func (r TextRules) clean(field, s string) (string, *challenge.ValidationError) {
	if !utf8.ValidString(s) {
		return "", challenge.Invalid(field, "must be valid UTF-8 text")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.TrimFunc(s, unicode.IsSpace)
	if s == "" {
		return "", challenge.Invalid(field, "must not be empty")
	}
	for _, c := range s {
		if unicode.IsControl(c) && c != '\n' && c != '\t' {
			return "", challenge.Invalid(field, "must not contain control characters (found %U)", c)
		}
	}
	if n, limit := utf8.RuneCountInString(s), r.maxRunes(); n > limit {
		return "", challenge.Invalid(field, "must be at most %d characters long (it is %d)", limit, n)
	}
	return s, nil
}

// ValidateAnswers checks a reflection's answers against the prompts of the
// day's activity (or variation) and returns them cleaned, in the order
// given. It reports every problem at once as challenge.ValidationErrors:
// between 1 and MaxAnswers answers; each answer's Prompt must be one of
// prompts, compared exactly; no prompt may be answered twice; each Text
// must pass [TextRules.CleanAnswer] (field "answers[i].text").
//
// An activity without prompts accepts no answers: the engine supplies a
// default prompt if the programme wants free-form reflections.
//
// cleaned is nil whenever err is not nil.
func (r TextRules) ValidateAnswers(prompts []string, answers []Answer) (cleaned []Answer, err error) {
	var errs challenge.ValidationErrors
	switch n, limit := len(answers), r.maxAnswers(); {
	case n == 0:
		errs = append(errs, challenge.Invalid("answers", "must answer at least one prompt"))
	case n > limit:
		errs = append(errs, challenge.Invalid("answers", "must have at most %d answers (there are %d)", limit, n))
	}
	allowed := make(map[string]bool, len(prompts))
	for _, p := range prompts {
		allowed[p] = true
	}
	first := make(map[string]int, len(answers))
	cleaned = make([]Answer, len(answers))
	for i, a := range answers {
		field := fmt.Sprintf("answers[%d]", i)
		switch j, dup := first[a.Prompt]; {
		case !allowed[a.Prompt]:
			errs = append(errs, challenge.Invalid(field+".prompt", "is not one of this day's prompts"))
		case dup:
			errs = append(errs, challenge.Invalid(field+".prompt", "answers the same prompt as answers[%d]", j))
		default:
			first[a.Prompt] = i
		}
		text, verr := r.clean(field+".text", a.Text)
		if verr != nil {
			errs = append(errs, verr)
		}
		cleaned[i] = Answer{Prompt: a.Prompt, Text: text}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return cleaned, nil
}
