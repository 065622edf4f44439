package sqlite

import (
	"database/sql"
	"strings"
	"sync"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// This file derives the store's column lists, scans and arguments from
// pursuit's table descriptions (pursuit/tables.go), so that a new column
// is one line there plus a migration. Times are INTEGER microseconds,
// NULL for the zero time; a Nullable int is NULL for 0, and so is a key
// of 0, which lets SQLite assign the rowid.

// colList returns the table's columns as "a, b, c".
func colList[T any](t *pursuit.Table[T]) string {
	return strings.Join(t.Names(), ", ")
}

// placeholders returns "?, ?, …" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// appendArgs appends r's column values in storage order and form.
func appendArgs[T any](t *pursuit.Table[T], dst []any, r *T) []any {
	for i := range t.Columns {
		dst = append(dst, arg(&t.Columns[i], r))
	}
	return dst
}

// arg returns one column value of r in storage form.
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
	return micros(*c.Time(r))
}

// maxColumns bounds the columns of a table rowScanner reads.
const maxColumns = 32

// scratch is the per-row buffers of a scan, pooled: a scan may run on
// several connections at once.
type scratch struct {
	nulls [maxColumns]sql.NullInt64
	texts [maxColumns]sql.NullString
	dest  [maxColumns]any
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// rowScanner returns the scan function of a SELECT of colList(t).
func rowScanner[T any](t *pursuit.Table[T]) func(scanner) (T, error) {
	if len(t.Columns) > maxColumns {
		panic("sqlite: " + t.Name + " has more than maxColumns columns")
	}
	// The row is scanned into a pooled T and returned as a copy: a local
	// T would escape (its fields' addresses go into Scan's arguments),
	// one allocation a row, ~1 GB over the seed's contacts in a build.
	rows := sync.Pool{New: func() any { return new(T) }}
	return func(s scanner) (T, error) {
		r := rows.Get().(*T)
		defer rows.Put(r)
		*r = *new(T)
		sc := scratchPool.Get().(*scratch)
		defer scratchPool.Put(sc)
		nulls, texts, dest := &sc.nulls, &sc.texts, sc.dest[:0]
		for i := range t.Columns {
			c := &t.Columns[i]
			switch {
			case c.Kind == pursuit.KindInt && !c.Is(pursuit.Nullable):
				dest = append(dest, c.Int(r))
			case c.Kind == pursuit.KindText && !c.Is(pursuit.Nullable):
				dest = append(dest, c.Text(r))
			case c.Kind == pursuit.KindText:
				dest = append(dest, &texts[i])
			default:
				dest = append(dest, &nulls[i])
			}
		}
		if err := s.Scan(dest...); err != nil {
			return *new(T), err
		}
		for i := range t.Columns {
			c := &t.Columns[i]
			switch {
			case c.Kind == pursuit.KindTime:
				*c.Time(r) = fromMicros(nulls[i])
			case c.Kind == pursuit.KindInt && c.Is(pursuit.Nullable):
				*c.Int(r) = nulls[i].Int64
			case c.Kind == pursuit.KindText && c.Is(pursuit.Nullable):
				*c.Text(r) = texts[i].String
			}
		}
		return *r, nil
	}
}

// updateSQL returns the UPDATE of every column but the key and created_at,
// by key; updateArgs gives its arguments.
func updateSQL[T any](t *pursuit.Table[T]) string {
	var set []string
	for i := range t.Columns {
		if c := &t.Columns[i]; !c.Is(pursuit.Key) && c.Name != "created_at" {
			set = append(set, c.Name+" = ?")
		}
	}
	return `UPDATE ` + t.Name + ` SET ` + strings.Join(set, ", ") + ` WHERE ` + t.Key[0] + ` = ?`
}

// updateArgs returns the arguments of updateSQL(t) for r.
func updateArgs[T any](t *pursuit.Table[T], r *T) []any {
	var args []any
	var key any
	for i := range t.Columns {
		c := &t.Columns[i]
		switch {
		case c.Is(pursuit.Key):
			key = *c.Int(r)
		case c.Name != "created_at":
			args = append(args, arg(c, r))
		}
	}
	return append(args, key)
}

// stampTimes sets r's zero Stamped times to now.
func stampTimes[T any](t *pursuit.Table[T], r *T, now time.Time) {
	for i := range t.Columns {
		if c := &t.Columns[i]; c.Kind == pursuit.KindTime && c.Is(pursuit.Stamped) && c.Time(r).IsZero() {
			*c.Time(r) = now
		}
	}
}
