package pursuit

import (
	"context"
	"strings"
	"unicode"
)

// The store's own full-text search: the OLTP path of the seed's design.
//
// Both stores keep a full-text index of places and contacts (SQLite FTS5
// tables, PostgreSQL GIN indexes over tsvector expressions), as the seed's
// OLTP design asks. The search engine (package search) answers the
// product's searches from memory; these indexes answer the same customer's
// plain-word search straight from the database, with no index to build
// first: `pursuit search --sql`, an operator's look-up on a store whose
// server is down or still building, and the baseline of `bench search`.
//
// The semantics are deliberately small, so that both stores give the same
// answer (storetest checks it): every word of the query must appear as a
// whole word in the contact's name, title or department (a place's name);
// no stemming, synonyms, phrases or exclusions (those are the engine's);
// results in contact_id (place_id) order, paged by keyset. Emails are not
// searched: a masked contact's address is PII the customer has not seen,
// and the two stores tokenize addresses differently. Scoping and masking
// are the store's, in the same query: a contact is found only when the
// customer is granted it or its place, and comes back masked unless its
// effective access (MorePermissive) is full.

// TextQuery is a plain-word search the store answers with its full-text
// index.
type TextQuery struct {
	// Words must all appear (see ParseTextWords).
	Words []string
	// States, when not empty, keeps the rows whose place is in one of
	// them (state_abbr).
	States []string
	// After pages: only rows with a larger id.
	After int64
	// Limit is the page size, 1 to MaxListLimit.
	Limit int
}

// MaxTextWords bounds the words of a TextQuery.
const MaxTextWords = 16

// Validate checks q, naming the parameter at fault.
func (q *TextQuery) Validate() error {
	if len(q.Words) == 0 {
		return FieldErrorf(EINVALID, "q", "give at least one word to search for")
	}
	if len(q.Words) > MaxTextWords {
		return FieldErrorf(EINVALID, "q", "at most %d words, not %d", MaxTextWords, len(q.Words))
	}
	for _, w := range q.Words {
		if w == "" || strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) >= 0 || w != strings.ToLower(w) {
			return FieldErrorf(EINVALID, "q", "%q is not a lower-case word of letters and digits (use ParseTextWords)", w)
		}
	}
	for _, s := range q.States {
		if !ValidStateAbbr(s) {
			return FieldErrorf(EINVALID, "state", "%q is not a state abbreviation like NY", s)
		}
	}
	if q.After < 0 {
		return FieldErrorf(EINVALID, "after", "must not be negative, not %d", q.After)
	}
	if q.Limit < 1 || q.Limit > MaxListLimit {
		return FieldErrorf(EINVALID, "limit", "must be 1 to %d, not %d", MaxListLimit, q.Limit)
	}
	return nil
}

// ParseTextWords splits a plain-word query into the lower-case words of
// letters and digits a TextQuery takes. Anything else splits words, as
// both stores' tokenizers do, except the search syntax of the engine
// (quotes, a leading -, field: prefixes), which is refused by name rather
// than searched for as something it is not.
func ParseTextWords(q string) ([]string, error) {
	for _, f := range strings.Fields(q) {
		switch {
		case strings.ContainsRune(f, '"'):
			return nil, FieldErrorf(EINVALID, "q", "the store's text search takes plain words: quoted phrases are the search index's syntax")
		case strings.HasPrefix(f, "-") && len(f) > 1:
			return nil, FieldErrorf(EINVALID, "q", "the store's text search takes plain words: %q is an exclusion, the search index's syntax", f)
		case strings.Contains(f, ":"):
			return nil, FieldErrorf(EINVALID, "q", "the store's text search takes plain words: %q is a field prefix, the search index's syntax", f)
		}
	}
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 {
		return nil, FieldErrorf(EINVALID, "q", "give at least one word to search for")
	}
	return words, nil
}

// TextContacts is a page of a contact text search.
type TextContacts struct {
	// Contacts are masked unless the customer's access to them is full.
	Contacts []Contact
	// Access is each contact's effective access type.
	Access []string
	// Total counts every match the customer may see, across pages.
	Total int64
}

// TextPlaces is a page of a place text search.
type TextPlaces struct {
	Places []Place
	Total  int64
}

// TextSearchStore answers plain-word searches with the store's full-text
// indexes, scoped to a customer's grants (see the comment above
// TextQuery).
type TextSearchStore interface {
	SearchContactsText(ctx context.Context, customerID int64, q TextQuery) (TextContacts, error)
	SearchPlacesText(ctx context.Context, customerID int64, q TextQuery) (TextPlaces, error)
}
