package storage

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/habitkit/habitkit/reflection"
)

// SearchWords splits text into the words that [FeedQuery.Search] matches:
// maximal runs of letters, numbers and combining marks (Unicode categories
// L, N and M), lower-cased with [strings.ToLower], each returned once in
// order of first appearance. Everything else (spaces, punctuation,
// symbols, apostrophes and hyphens) separates words, so "don't" is the two
// words "don" and "t" and "self-aware" is "self" and "aware". Text is not
// Unicode-normalised: "é" written as one code point and as "e" plus a
// combining accent are different words.
//
// Adapters index the words of a reflection's answers with it and split
// the search the same way, so that every adapter agrees on what matches.
func SearchWords(text string) []string {
	var (
		words []string
		seen  map[string]struct{}
	)
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := strings.ToLower(text[start:end])
		start = -1
		if seen == nil {
			seen = make(map[string]struct{})
		}
		if _, dup := seen[w]; dup {
			return
		}
		seen[w] = struct{}{}
		words = append(words, w)
	}
	for i, r := range text {
		if r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(text))
	return words
}

// ReflectionSearchWords returns the distinct words of the answers' texts
// (not of their prompts), in order of first appearance: what a search over
// a reflection matches.
func ReflectionSearchWords(answers []reflection.Answer) []string {
	var (
		out  []string
		seen = make(map[string]struct{})
	)
	for _, a := range answers {
		for _, w := range SearchWords(a.Text) {
			if _, dup := seen[w]; !dup {
				seen[w] = struct{}{}
				out = append(out, w)
			}
		}
	}
	return out
}
