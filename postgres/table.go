package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

// This file derives the store's column lists, scans, arguments and the
// INSERT and UPDATE of each seed table from pursuit's table descriptions
// (pursuit/tables.go). The store-internal columns PostgreSQL adds (the
// partition keys of referenced rows, docs/schema.md) are passed as extra
// columns by the callers that compute them.

// colList returns the table's domain columns as "a, b, c".
func colList[T any](t *pursuit.Table[T]) string {
	return strings.Join(t.Names(), ", ")
}

// arg returns one column value of r in storage form: a Nullable (or key)
// int of 0 and a Nullable time of zero are NULL; times are UTC at
// microsecond precision.
func arg[T any](c *pursuit.Column[T], r *T) any {
	switch c.Kind {
	case pursuit.KindInt:
		v := *c.Int(r)
		if v == 0 && c.Flags&(pursuit.Nullable|pursuit.Key) != 0 {
			return nil
		}
		return v
	case pursuit.KindText:
		v := *c.Text(r)
		if v == "" && c.Default != "" {
			return c.Default
		}
		if v == "" && c.Is(pursuit.Nullable) {
			return nil
		}
		return v
	}
	t := *c.Time(r)
	if t.IsZero() && c.Is(pursuit.Nullable) {
		return nil
	}
	return norm(t)
}

// appendArgs appends r's column values in storage order and form.
func appendArgs[T any](t *pursuit.Table[T], dst []any, r *T) []any {
	for i := range t.Columns {
		dst = append(dst, arg(&t.Columns[i], r))
	}
	return dst
}

// maxColumns bounds the columns of a table rowScanner reads.
const maxColumns = 32

// rowScanner returns the scan function of a SELECT of colList(t).
func rowScanner[T any](t *pursuit.Table[T]) func(pgx.Row) (T, error) {
	if len(t.Columns) > maxColumns {
		panic("postgres: " + t.Name + " has more than maxColumns columns")
	}
	return func(row pgx.Row) (T, error) {
		var r T
		var ints [maxColumns]*int64
		var texts [maxColumns]*string
		var times [maxColumns]*time.Time
		var buf [maxColumns]any
		dest := buf[:0]
		for i := range t.Columns {
			c := &t.Columns[i]
			switch {
			case c.Kind == pursuit.KindInt && !c.Is(pursuit.Nullable):
				dest = append(dest, c.Int(&r))
			case c.Kind == pursuit.KindText && !c.Is(pursuit.Nullable):
				dest = append(dest, c.Text(&r))
			case c.Kind == pursuit.KindInt:
				dest = append(dest, &ints[i])
			case c.Kind == pursuit.KindText:
				dest = append(dest, &texts[i])
			default:
				dest = append(dest, &times[i])
			}
		}
		if err := row.Scan(dest...); err != nil {
			return r, err
		}
		for i := range t.Columns {
			c := &t.Columns[i]
			switch {
			case c.Kind == pursuit.KindTime:
				*c.Time(&r) = utc(times[i])
			case c.Kind == pursuit.KindInt && c.Is(pursuit.Nullable):
				*c.Int(&r) = id(ints[i])
			case c.Kind == pursuit.KindText && c.Is(pursuit.Nullable) && texts[i] != nil:
				*c.Text(&r) = *texts[i]
			}
		}
		return r, nil
	}
}

// insertSQL returns the INSERT of one row of t and the extra columns,
// taking the key from t's sequence when it is NULL, returning the key.
func insertSQL[T any](t *pursuit.Table[T], extra ...string) string {
	var vals []string
	for i := range t.Columns {
		v := fmt.Sprintf("$%d", i+1)
		if t.Columns[i].Is(pursuit.Key) && t.Sequence != "" {
			v = "coalesce(" + v + ", nextval('" + t.Sequence + "'))"
		}
		vals = append(vals, v)
	}
	for i := range extra {
		vals = append(vals, fmt.Sprintf("$%d", len(t.Columns)+i+1))
	}
	cols := append(t.Names(), extra...)
	return `INSERT INTO ` + t.Name + ` (` + strings.Join(cols, ", ") + `) VALUES (` + strings.Join(vals, ", ") +
		`) RETURNING ` + t.Key[0]
}

// updateSQL returns the UPDATE by key ($1) of every column of t but the key
// and created_at, and of the extra columns; updateArgs gives its
// arguments.
func updateSQL[T any](t *pursuit.Table[T], extra ...string) string {
	var set []string
	n := 1
	for i := range t.Columns {
		if c := &t.Columns[i]; !c.Is(pursuit.Key) && c.Name != "created_at" {
			n++
			set = append(set, fmt.Sprintf("%s = $%d", c.Name, n))
		}
	}
	for _, e := range extra {
		n++
		set = append(set, fmt.Sprintf("%s = $%d", e, n))
	}
	return `UPDATE ` + t.Name + ` SET ` + strings.Join(set, ", ") + ` WHERE ` + t.Key[0] + ` = $1`
}

// updateArgs returns the arguments of updateSQL(t, …) for r and the extra
// columns' values.
func updateArgs[T any](t *pursuit.Table[T], r *T, extra ...any) []any {
	args := []any{*t.Columns[t.Index(t.Key[0])].Int(r)}
	for i := range t.Columns {
		if c := &t.Columns[i]; !c.Is(pursuit.Key) && c.Name != "created_at" {
			args = append(args, arg(c, r))
		}
	}
	return append(args, extra...)
}

// extra is a store-internal column of a row and its value.
type extra struct {
	col string
	val any
}

// insertRow inserts r and the extra columns in tx, normalising r's times
// and setting its key (from the sequence when it is 0; an explicit key
// moves the sequence past it).
func insertRow[T any](ctx context.Context, tx pgx.Tx, t *pursuit.Table[T], r *T, extras ...extra) error {
	t.Normalize(r)
	cols := make([]string, len(extras))
	args := appendArgs(t, make([]any, 0, len(t.Columns)+len(extras)), r)
	for i, e := range extras {
		cols[i] = e.col
		args = append(args, e.val)
	}
	key := t.Columns[t.Index(t.Key[0])].Int(r)
	var id int64
	if err := tx.QueryRow(ctx, insertSQL(t, cols...), args...).Scan(&id); err != nil {
		return err
	}
	if *key != 0 {
		if err := bumpSequence(ctx, tx, t.Sequence, id); err != nil {
			return err
		}
	}
	*key = id
	return nil
}

// updateRow replaces r and the extra columns by key in tx, normalising r's
// times; for a table with created_at it reads the stored one back into r.
// A missing row is pgx.ErrNoRows for such tables and no error otherwise
// (the callers check existence first).
func updateRow[T any](ctx context.Context, tx pgx.Tx, t *pursuit.Table[T], r *T, extras ...extra) error {
	t.Normalize(r)
	cols := make([]string, len(extras))
	vals := make([]any, len(extras))
	for i, e := range extras {
		cols[i], vals[i] = e.col, e.val
	}
	sql, args := updateSQL(t, cols...), updateArgs(t, r, vals...)
	i := t.Index("created_at")
	if i < 0 {
		_, err := tx.Exec(ctx, sql, args...)
		return err
	}
	var created time.Time
	if err := tx.QueryRow(ctx, sql+` RETURNING created_at`, args...).Scan(&created); err != nil {
		return err
	}
	*t.Columns[i].Time(r) = created.UTC()
	return nil
}
