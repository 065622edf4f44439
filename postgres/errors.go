package postgres

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pursuit-gov/pursuit"
)

// keyDetailRE parses the DETAIL of a unique or foreign-key violation:
// `Key (place_id, state_abbr)=(42, NY) is not present in table "places".`
var keyDetailRE = regexp.MustCompile(`^Key \(([^)]*)\)=\((.*)\) (is not present in table "([^"]+)"|already exists)`)

// singular names a referenced table's row in messages.
var singular = map[string]string{
	"customers":        "customer",
	"places":           "place",
	"contacts":         "contact",
	"api_keys":         "API key",
	"tech_stack":       "tech_stack row",
	"contact_reveals":  "reveal",
	"customer_mapping": "customer_mapping",
}

// dbErr translates a PostgreSQL error into a *pursuit.Error: 23505 is
// ECONFLICT, 23503 EFOREIGNKEY naming the column and the missing key, check
// and not-null violations EINVALID, a canceled context ECANCELED. Errors
// that already are *pursuit.Error pass through; others are wrapped as they
// are (EINTERNAL).
func dbErr(err error) error {
	if err == nil {
		return nil
	}
	var pe *pursuit.Error
	if errors.As(err, &pe) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &pursuit.Error{Code: pursuit.ECANCELED, Message: "the operation was canceled", Err: err}
	}
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		return err
	}
	switch pg.Code {
	case "23505": // unique_violation
		field, msg := pg.ColumnName, pg.Message
		if m := keyDetailRE.FindStringSubmatch(pg.Detail); m != nil {
			cols := strings.Split(m[1], ", ")
			vals := strings.Split(m[2], ", ")
			field = cols[0]
			// The partitioned tables' keys end in the partition key, which
			// the caller never sees: name the row by its id.
			msg = fmt.Sprintf("%s %s already exists", rowName(parentTable(pg.TableName)), vals[0])
			if pg.ConstraintName == "idx_customer_mapping" && len(vals) == 2 {
				field = "external_crm_id"
				msg = fmt.Sprintf("customer %s already maps CRM id %s", vals[0], vals[1])
			}
		}
		if field == "hash" {
			msg = "an API key with this hash already exists" // never echo a hash
		}
		return &pursuit.Error{Code: pursuit.ECONFLICT, Field: field, Message: msg, Err: err}
	case "23503": // foreign_key_violation
		if m := keyDetailRE.FindStringSubmatch(pg.Detail); m != nil && m[4] != "" {
			cols := strings.Split(m[1], ", ")
			vals := strings.Split(m[2], ", ")
			// The first column is the id; a second one (state_abbr,
			// place_id) is store-internal.
			field := cols[0]
			child := parentTable(pg.TableName)
			return &pursuit.Error{Code: pursuit.EFOREIGNKEY, Field: field,
				Message: fmt.Sprintf("%s %s does not exist (referenced by %s.%s)", rowName(m[4]), vals[0], child, field), Err: err}
		}
		return &pursuit.Error{Code: pursuit.EFOREIGNKEY, Field: pg.ColumnName, Message: pg.Message, Err: err}
	case "23514", "23502", "22001", "22P02", "22021": // check, not null, too long, bad text
		return &pursuit.Error{Code: pursuit.EINVALID, Field: pg.ColumnName, Message: pg.Message, Err: err}
	case "57014": // query_canceled
		return &pursuit.Error{Code: pursuit.ECANCELED, Message: "the operation was canceled", Err: err}
	}
	return err
}

// parentTable returns the partitioned table a partition belongs to
// (contacts_p03 → contacts, places_ny → places), other names as they are.
func parentTable(name string) string {
	switch {
	case strings.HasPrefix(name, "contacts_p"):
		return "contacts"
	case strings.HasPrefix(name, "places_"):
		return "places"
	}
	return name
}

// rowName names a row of table in messages: "place", "contact", ….
func rowName(table string) string {
	if s, ok := singular[table]; ok {
		return s
	}
	return table + " row"
}

// fkErr returns the EFOREIGNKEY error of a missing parent row the store
// found itself, e.g. `place_id: place 42 does not exist (referenced by
// contacts.place_id)`.
func fkErr(table, column, parent string, key int64) error {
	return pursuit.FieldErrorf(pursuit.EFOREIGNKEY, column, "%s %d does not exist (referenced by %s.%s)", parent, key, table, column)
}
