package sqlite

import (
	"context"
	"strings"

	"github.com/pursuit-gov/pursuit"
)

// The store's own text search (pursuit.TextSearchStore) over the FTS5
// tables contacts_fts and places_fts.

// ftsMatch returns the FTS5 query for words: each word a quoted string,
// all of them required. The FTS5 tables hold only the columns the text
// search searches (contacts_fts: name, title, department; places_fts:
// name), so no column filter is needed; contacts_fts has detail=none,
// which allows none. The words are letters and digits only
// (TextQuery.Validate), so quoting them makes them plain tokens whatever
// they spell (AND, NEAR, …), except for the few runes FTS5's tokenizer
// splits on (isFTSSeparator): a word is split there and every piece
// required, since to detail=none a word of two tokens is a phrase, which
// it cannot answer. A word of separators only matches nothing (ok false).
func ftsMatch(words []string) (match string, ok bool) {
	var b strings.Builder
	for _, w := range words {
		pieces := strings.FieldsFunc(w, isFTSSeparator)
		if len(pieces) == 0 {
			return "", false
		}
		for _, p := range pieces {
			if b.Len() > 0 {
				b.WriteString(" AND ")
			}
			b.WriteString(`"` + p + `"`)
		}
	}
	return b.String(), true
}

// isFTSSeparator reports whether FTS5's unicode61 tokenizer splits on r
// although Go's tables call it a letter or a digit: SQLite's tokenizer
// classifies runes by older Unicode data, in which these were spacing
// marks. TestFTSSeparators checks the list against the tokenizer itself.
func isFTSSeparator(r rune) bool {
	return r >= 0x19B0 && r <= 0x19C0 || r == 0x19C8 || r == 0x19C9 || r == 0x1CF2 || r == 0x1CF3
}

// inStates returns " AND <col> IN (?, …)" and its arguments, or nothing
// when states is empty.
func inStates(col string, states []string) (string, []any) {
	if len(states) == 0 {
		return "", nil
	}
	args := make([]any, len(states))
	for i, s := range states {
		args[i] = s
	}
	return " AND " + col + " IN (" + placeholders(len(states)) + ")", args
}

// accessScanner scans a contact's columns followed by its two grants'
// access types.
type accessScanner struct {
	s              scanner
	direct, viaPlc *string
}

func (a accessScanner) Scan(dest ...any) error {
	return a.s.Scan(append(dest, a.direct, a.viaPlc)...)
}

// SearchContactsText finds the customer's contacts whose name, title or
// department hold every word.
func (db *DB) SearchContactsText(ctx context.Context, customerID int64, q pursuit.TextQuery) (pursuit.TextContacts, error) {
	if err := q.Validate(); err != nil {
		return pursuit.TextContacts{}, err
	}
	match, ok := ftsMatch(q.Words)
	if !ok {
		return pursuit.TextContacts{}, nil
	}
	stateSQL, stateArgs := inStates("p.state_abbr", q.States)
	// A contact is visible through its own grant or its place's; the
	// LEFT JOINs find both, and the WHERE keeps rows with either.
	from := ` FROM contacts_fts f
		JOIN contacts c ON c.contact_id = f.rowid
		JOIN places p ON p.place_id = c.place_id
		LEFT JOIN customer_contact_relation cr ON cr.customer_id = ? AND cr.contact_id = c.contact_id
		LEFT JOIN customer_place_relation pr ON pr.customer_id = ? AND pr.place_id = c.place_id
		WHERE contacts_fts MATCH ? AND (cr.customer_id IS NOT NULL OR pr.customer_id IS NOT NULL)` + stateSQL
	args := append([]any{customerID, customerID, match}, stateArgs...)

	var out pursuit.TextContacts
	if err := db.r.QueryRowContext(ctx, `SELECT count(*)`+from, args...).Scan(&out.Total); err != nil {
		return out, dbErr(err)
	}
	cols := "c." + strings.ReplaceAll(contactCols, ", ", ", c.")
	rows, err := all(ctx, db.r, scanAccessContact,
		`SELECT `+cols+`, coalesce(cr.access_type, ''), coalesce(pr.access_type, '')`+from+
			` AND c.contact_id > ? ORDER BY c.contact_id LIMIT ?`, append(args, q.After, q.Limit)...)
	for _, r := range rows {
		out.Contacts = append(out.Contacts, r.c.Masked(r.access))
		out.Access = append(out.Access, r.access)
	}
	return out, err
}

// accessContact is a contact and the customer's effective access to it.
type accessContact struct {
	c      pursuit.Contact
	access string
}

// scanAccessContact scans a contact's columns followed by the access
// types of its own grant and its place's (” for none).
func scanAccessContact(s scanner) (accessContact, error) {
	var direct, viaPlace string
	c, err := scanContact(accessScanner{s, &direct, &viaPlace})
	return accessContact{c, pursuit.MorePermissive(direct, viaPlace)}, err
}

// SearchPlacesText finds the customer's granted places whose name holds
// every word.
func (db *DB) SearchPlacesText(ctx context.Context, customerID int64, q pursuit.TextQuery) (pursuit.TextPlaces, error) {
	if err := q.Validate(); err != nil {
		return pursuit.TextPlaces{}, err
	}
	match, ok := ftsMatch(q.Words)
	if !ok {
		return pursuit.TextPlaces{}, nil
	}
	stateSQL, stateArgs := inStates("p.state_abbr", q.States)
	from := ` FROM places_fts f
		JOIN places p ON p.place_id = f.rowid
		JOIN customer_place_relation pr ON pr.customer_id = ? AND pr.place_id = p.place_id
		WHERE places_fts MATCH ?` + stateSQL
	args := append([]any{customerID, match}, stateArgs...)
	var out pursuit.TextPlaces
	if err := db.r.QueryRowContext(ctx, `SELECT count(*)`+from, args...).Scan(&out.Total); err != nil {
		return out, dbErr(err)
	}
	cols := "p." + strings.ReplaceAll(placeCols, ", ", ", p.")
	var err error
	out.Places, err = all(ctx, db.r, scanPlace, `SELECT `+cols+from+` AND p.place_id > ? ORDER BY p.place_id LIMIT ?`,
		append(args, q.After, q.Limit)...)
	return out, err
}
