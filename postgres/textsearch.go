package postgres

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

// The store's own text search (pursuit.TextSearchStore) over the GIN
// indexes of pursuit_contact_words (migration 10: name, title and
// department) and pursuit_place_tsv (migration 1), the 'simple'
// configuration, which neither stems nor drops words, like the SQLite
// store's FTS5 tables.

// textQuery is the tsquery of a TextQuery's words: all of them.
const textQuery = `plainto_tsquery('simple'::regconfig, $2)`

// stateFilter returns " AND <col> = ANY($n)" and its argument, or nothing.
func stateFilter(col string, n int, states []string) (string, []any) {
	if len(states) == 0 {
		return "", nil
	}
	return " AND " + col + " = ANY($" + strconv.Itoa(n) + ")", []any{states}
}

// SearchContactsText finds the customer's contacts whose name, title or
// department hold every word.
func (db *DB) SearchContactsText(ctx context.Context, customerID int64, q pursuit.TextQuery) (pursuit.TextContacts, error) {
	if err := q.Validate(); err != nil {
		return pursuit.TextContacts{}, err
	}
	stateSQL, stateArgs := stateFilter("c.state_abbr", 3, q.States)
	from := ` FROM contacts c
		LEFT JOIN customer_contact_relation cr ON cr.customer_id = $1 AND cr.contact_id = c.contact_id
		LEFT JOIN customer_place_relation pr ON pr.customer_id = $1 AND pr.place_id = c.place_id
		WHERE pursuit_contact_words(c.name, c.title, c.department) @@ ` + textQuery + `
		AND (cr.customer_id IS NOT NULL OR pr.customer_id IS NOT NULL)` + stateSQL
	args := append([]any{customerID, strings.Join(q.Words, " ")}, stateArgs...)
	var out pursuit.TextContacts
	if err := db.pool.QueryRow(ctx, `SELECT count(*)`+from, args...).Scan(&out.Total); err != nil {
		return out, dbErr(err)
	}
	n := len(args)
	cols := "c." + strings.ReplaceAll(contactCols, ", ", ", c.")
	rows, err := collect(ctx, db, scanAccessContact,
		`SELECT `+cols+`, coalesce(cr.access_type, ''), coalesce(pr.access_type, '')`+from+
			` AND c.contact_id > $`+strconv.Itoa(n+1)+` ORDER BY c.contact_id LIMIT $`+strconv.Itoa(n+2),
		append(args, q.After, q.Limit)...)
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

// accessRow scans a contact's columns followed by the access types of its
// own grant and its place's (” for none).
type accessRow struct {
	pgx.Row
	direct, viaPlace *string
}

func (a accessRow) Scan(dest ...any) error {
	return a.Row.Scan(append(dest, a.direct, a.viaPlace)...)
}

func scanAccessContact(row pgx.Row) (accessContact, error) {
	var direct, viaPlace string
	c, err := scanContact(accessRow{row, &direct, &viaPlace})
	return accessContact{c, pursuit.MorePermissive(direct, viaPlace)}, err
}

// SearchPlacesText finds the customer's granted places whose name holds
// every word.
func (db *DB) SearchPlacesText(ctx context.Context, customerID int64, q pursuit.TextQuery) (pursuit.TextPlaces, error) {
	if err := q.Validate(); err != nil {
		return pursuit.TextPlaces{}, err
	}
	stateSQL, stateArgs := stateFilter("p.state_abbr", 3, q.States)
	from := ` FROM places p
		JOIN customer_place_relation pr ON pr.customer_id = $1 AND pr.place_id = p.place_id
		WHERE pursuit_place_tsv(p.name) @@ ` + textQuery + stateSQL
	args := append([]any{customerID, strings.Join(q.Words, " ")}, stateArgs...)
	var out pursuit.TextPlaces
	if err := db.pool.QueryRow(ctx, `SELECT count(*)`+from, args...).Scan(&out.Total); err != nil {
		return out, dbErr(err)
	}
	n := len(args)
	cols := "p." + strings.ReplaceAll(placeCols, ", ", ", p.")
	var err error
	out.Places, err = collect(ctx, db, scanPlace, `SELECT `+cols+from+
		` AND p.place_id > $`+strconv.Itoa(n+1)+` ORDER BY p.place_id LIMIT $`+strconv.Itoa(n+2),
		append(args, q.After, q.Limit)...)
	return out, err
}
