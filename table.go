package pursuit

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

// This file is the one description of the seed's seven tables: their
// columns in storage order, each column's type, Go field, key, foreign key,
// PII, full-text and NULL rules. The stores' column lists, scans and bulk
// paths, the CSV/JSONL headers and decoders of package transfer, and the
// JSON views are derived from it; the migrations, the Delta schema, the
// Parquet structs and the OpenAPI document are hand-written and checked
// against it by tests (docs/architecture.md says why). Adding a column to a
// seed table is one edit here plus one migration per store.

// Kind is the type of a column's value: how Go holds it and how the two
// stores and the table files keep it.
type Kind uint8

const (
	// KindInt is an int64: SQLite INTEGER, PostgreSQL bigint, a decimal in
	// CSV, a JSON number.
	KindInt Kind = iota
	// KindText is a string: TEXT, text, a JSON string.
	KindText
	// KindTime is a time.Time at microsecond precision in UTC: SQLite
	// INTEGER microseconds since the Unix epoch, PostgreSQL timestamptz,
	// RFC 3339 in the files and JSON.
	KindTime
)

// SQLiteType is the column type of a kind in the SQLite schema.
func (k Kind) SQLiteType() string {
	if k == KindText {
		return "TEXT"
	}
	return "INTEGER"
}

// PostgresType is the column type of a kind in the PostgreSQL schema, as
// format_type spells it.
func (k Kind) PostgresType() string {
	switch k {
	case KindText:
		return "text"
	case KindTime:
		return "timestamp with time zone"
	}
	return "bigint"
}

// Flag is a property of a column.
type Flag uint16

const (
	// Key marks a primary-key column.
	Key Flag = 1 << iota
	// Required marks a column a CSV file must have: keys, foreign keys and
	// fields validation requires.
	Required
	// Nullable marks a column whose zero value (0, "" or the zero time) is
	// NULL in the stores and left out of JSON. Columns without it are NOT
	// NULL.
	Nullable
	// PII marks personal data a customer with masked access sees masked.
	PII
	// Searchable marks a column of the table's full-text document (SQLite
	// FTS5, PostgreSQL tsvector GIN, the search index's text).
	Searchable
	// PartitionKey marks the column PostgreSQL partitions the table by.
	PartitionKey
	// Stamped marks a time the stores set (created_at, updated_at) when a
	// row is written without it.
	Stamped
)

// ColumnInfo is what a column is, without its Go accessor.
type ColumnInfo struct {
	// Name is the column's name in SQL, CSV, JSONL, JSON and Parquet.
	Name string
	Kind Kind
	// Field is the name of the domain type's Go field, found from the
	// accessor when the table is described.
	Field string
	Flags Flag
	// Ref names the table a foreign-key column references, "" if none.
	Ref string
	// Enum lists a text column's allowed values (Validate checks them, and
	// the API documents them), nil when any text is allowed.
	Enum []string
	// Default is the value an empty text column is written as (and the
	// migration's DEFAULT for the rows before the column), "" for none.
	Default string
}

// Is reports whether the column has every flag of f.
func (c *ColumnInfo) Is(f Flag) bool { return c.Flags&f == f }

// Column is one column of a table with rows of type T: what it is, and the
// accessor of its field. Exactly one accessor is set, the one of Kind.
type Column[T any] struct {
	ColumnInfo
	Int  func(*T) *int64
	Text func(*T) *string
	Time func(*T) *time.Time
}

// Value returns the column's value in r as an int64, string or time.Time.
func (c *Column[T]) Value(r *T) any {
	switch c.Kind {
	case KindInt:
		return *c.Int(r)
	case KindText:
		return *c.Text(r)
	}
	return *c.Time(r)
}

// IsZero reports whether the column's value in r is the zero value.
func (c *Column[T]) IsZero(r *T) bool {
	switch c.Kind {
	case KindInt:
		return *c.Int(r) == 0
	case KindText:
		return *c.Text(r) == ""
	}
	return c.Time(r).IsZero()
}

// Or returns c with the default value def (see ColumnInfo.Default).
func (c Column[T]) Or(def string) Column[T] {
	c.Default = def
	return c
}

// Normalize puts r in the form the stores keep: every time in UTC at
// microsecond precision, and every empty text column that has a default
// set to it.
func (t *Table[T]) Normalize(r *T) {
	for i := range t.Columns {
		c := &t.Columns[i]
		switch {
		case c.Kind == KindTime:
			if v := c.Time(r); !v.IsZero() {
				*v = v.UTC().Truncate(time.Microsecond)
			}
		case c.Kind == KindText && c.Default != "":
			if v := c.Text(r); *v == "" {
				*v = c.Default
			}
		}
	}
}

// IntCol describes an int64 column.
func IntCol[T any](name string, flags Flag, f func(*T) *int64) Column[T] {
	return Column[T]{ColumnInfo: ColumnInfo{Name: name, Kind: KindInt, Flags: flags}, Int: f}
}

// RefCol describes an int64 column that references the key of table ref.
func RefCol[T any](name string, flags Flag, ref string, f func(*T) *int64) Column[T] {
	return Column[T]{ColumnInfo: ColumnInfo{Name: name, Kind: KindInt, Flags: flags, Ref: ref}, Int: f}
}

// TextCol describes a text column.
func TextCol[T any](name string, flags Flag, f func(*T) *string) Column[T] {
	return Column[T]{ColumnInfo: ColumnInfo{Name: name, Kind: KindText, Flags: flags}, Text: f}
}

// EnumCol describes a text column that takes one of values.
func EnumCol[T any](name string, flags Flag, values []string, f func(*T) *string) Column[T] {
	return Column[T]{ColumnInfo: ColumnInfo{Name: name, Kind: KindText, Flags: flags, Enum: values}, Text: f}
}

// TimeCol describes a time column.
func TimeCol[T any](name string, flags Flag, f func(*T) *time.Time) Column[T] {
	return Column[T]{ColumnInfo: ColumnInfo{Name: name, Kind: KindTime, Flags: flags}, Time: f}
}

// Table describes one seed table whose rows are T.
type Table[T any] struct {
	Name string
	// Columns in storage order: the order of the stores' column lists, the
	// files' columns and the JSON views' fields.
	Columns []Column[T]
	// Key is the primary key: one column, or two for the relation tables.
	Key []string
	// Sequence is the PostgreSQL sequence of a single-column key, "" for the
	// relation tables.
	Sequence string
}

// TableInfo is what a table is, without Go accessors: for code that
// handles every table alike (schema checks, documents).
type TableInfo struct {
	Name     string
	Columns  []ColumnInfo
	Key      []string
	Sequence string
}

// Info returns the table's description without accessors.
func (t *Table[T]) Info() TableInfo {
	cols := make([]ColumnInfo, len(t.Columns))
	for i := range t.Columns {
		cols[i] = t.Columns[i].ColumnInfo
	}
	return TableInfo{Name: t.Name, Columns: cols, Key: t.Key, Sequence: t.Sequence}
}

// Names returns the column names in storage order.
func (t *Table[T]) Names() []string {
	names := make([]string, len(t.Columns))
	for i := range t.Columns {
		names[i] = t.Columns[i].Name
	}
	return names
}

// Index returns the position of the column named name, or -1.
func (t *Table[T]) Index(name string) int {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return i
		}
	}
	return -1
}

// KeyOf returns a row's primary key: the id, or the two ids of a relation.
func (t *Table[T]) KeyOf(r *T) [2]int64 {
	var k [2]int64
	for i, name := range t.Key {
		k[i] = *t.Columns[t.Index(name)].Int(r)
	}
	return k
}

// describe fills each column's Field from its accessor and panics on a
// description that cannot be right (an accessor of the wrong kind, two
// columns of one field, a key that is not a column): a programming error
// found at start-up by every test.
func describe[T any](t *Table[T]) *Table[T] {
	var zero T
	v := reflect.ValueOf(&zero).Elem()
	seen := map[string]bool{}
	for i := range t.Columns {
		c := &t.Columns[i]
		var p uintptr
		switch {
		case c.Kind == KindInt && c.Int != nil:
			p = reflect.ValueOf(c.Int(&zero)).Pointer()
		case c.Kind == KindText && c.Text != nil:
			p = reflect.ValueOf(c.Text(&zero)).Pointer()
		case c.Kind == KindTime && c.Time != nil:
			p = reflect.ValueOf(c.Time(&zero)).Pointer()
		default:
			panic(fmt.Sprintf("pursuit: %s.%s has no accessor of its kind", t.Name, c.Name))
		}
		for j := 0; j < v.NumField(); j++ {
			if v.Field(j).Addr().Pointer() == p {
				c.Field = v.Type().Field(j).Name
			}
		}
		if c.Field == "" || seen[c.Field] {
			panic(fmt.Sprintf("pursuit: %s.%s: accessor does not point at a field of its own", t.Name, c.Name))
		}
		seen[c.Field] = true
	}
	for _, k := range t.Key {
		if i := t.Index(k); i < 0 || t.Columns[i].Kind != KindInt {
			panic(fmt.Sprintf("pursuit: %s: key %s is not an int column", t.Name, k))
		}
	}
	return t
}

// JSONName returns the name of a struct field's JSON tag, "" for "-".
func JSONName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" {
		return ""
	}
	if name == "" {
		return f.Name
	}
	return name
}
