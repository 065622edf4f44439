package analytics

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/pursuit-gov/pursuit/lake/delta"
)

// DB is an in-memory DuckDB with one view per Delta table of a lake.
type DB struct {
	db        *sql.DB
	connector *duckdb.Connector
	// Tables describes the registered views, sorted by name.
	Tables []Table
}

// Table is one registered Delta table.
type Table struct {
	Name    string
	Dir     string
	Version int64
	// Files are the local paths of the active data files.
	Files []string
	// Columns are the table's columns in schema order.
	Columns []string
}

// Open starts an in-memory DuckDB and registers a view for every Delta
// table found in dir: dir itself when it holds a _delta_log, and every
// direct subdirectory that does (the layout lake export writes).
func Open(ctx context.Context, dir string) (*DB, error) {
	c, err := duckdb.NewConnector("", func(ex driver.ExecerContext) error {
		// Timestamps print in UTC whatever the machine's zone. ICU may be
		// missing from a build: then DuckDB already uses UTC.
		_, _ = ex.ExecContext(context.Background(), "SET TimeZone='UTC'", nil)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("start duckdb: %w", err)
	}
	d := &DB{db: sql.OpenDB(c), connector: c}
	dirs, err := tableDirs(dir)
	if err != nil {
		d.Close()
		return nil, err
	}
	for _, td := range dirs {
		t, err := d.register(ctx, filepath.Base(td), td)
		if err != nil {
			d.Close()
			return nil, fmt.Errorf("register %s: %w", td, err)
		}
		d.Tables = append(d.Tables, t)
	}
	sort.Slice(d.Tables, func(i, j int) bool { return d.Tables[i].Name < d.Tables[j].Name })
	return d, nil
}

func tableDirs(dir string) ([]string, error) {
	if st, err := os.Stat(filepath.Join(dir, delta.LogDir)); err == nil && st.IsDir() {
		return []string{dir}, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("lake %s: %w", dir, err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if st, err := os.Stat(filepath.Join(p, delta.LogDir)); err == nil && st.IsDir() {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("lake %s: no Delta tables (no */_delta_log): %w", dir, fs.ErrNotExist)
	}
	return out, nil
}

// SQL returns the underlying database, for callers that scan rows
// themselves.
func (d *DB) SQL() *sql.DB { return d.db }

// Close shuts DuckDB down.
func (d *DB) Close() error {
	err := d.db.Close()
	return errors.Join(err, d.connector.Close())
}

// duckType maps a Spark primitive type to DuckDB's, "" for nested types
// (selected as they are).
func duckType(spark string) string {
	switch spark {
	case "long":
		return "BIGINT"
	case "integer":
		return "INTEGER"
	case "short":
		return "SMALLINT"
	case "byte":
		return "TINYINT"
	case "string":
		return "VARCHAR"
	case "boolean":
		return "BOOLEAN"
	case "float":
		return "FLOAT"
	case "double":
		return "DOUBLE"
	case "date":
		return "DATE"
	case "timestamp":
		return "TIMESTAMPTZ"
	case "timestamp_ntz":
		return "TIMESTAMP"
	case "binary":
		return "BLOB"
	}
	if strings.HasPrefix(spark, "decimal(") {
		return "DECIMAL" + strings.TrimPrefix(spark, "decimal")
	}
	return ""
}

func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// register replays the table's log and creates its view.
func (d *DB) register(ctx context.Context, name, dir string) (Table, error) {
	tbl := &delta.Table{Storage: &delta.Dir{Root: dir}}
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		return Table{}, err
	}
	schema, err := snap.Metadata.Schema()
	if err != nil {
		return Table{}, err
	}
	t := Table{Name: name, Dir: dir, Version: snap.Version}
	isPart := map[string]bool{}
	for _, c := range snap.Metadata.PartitionColumns {
		isPart[c] = true
	}
	// Group the active files by their partition values.
	type group struct {
		values map[string]*string
		files  []string
	}
	groups := map[string]*group{}
	var keys []string
	for _, f := range snap.Files() {
		rel, err := delta.DecodePath(f.Path)
		if err != nil {
			return Table{}, err
		}
		p := rel
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, filepath.FromSlash(rel))
		}
		t.Files = append(t.Files, p)
		kb, _ := json.Marshal(f.PartitionValues)
		k := string(kb)
		g := groups[k]
		if g == nil {
			g = &group{values: f.PartitionValues}
			groups[k] = g
			keys = append(keys, k)
		}
		g.files = append(g.files, p)
	}
	sort.Strings(keys)
	for _, f := range schema.Fields {
		t.Columns = append(t.Columns, f.Name)
	}
	var selects []string
	for _, k := range keys {
		g := groups[k]
		var cols []string
		for _, f := range schema.Fields {
			typ := duckType(f.TypeName())
			switch {
			case isPart[f.Name]:
				v := g.values[f.Name]
				lit := "NULL"
				if v != nil {
					lit = literal(*v)
				}
				if typ == "" {
					typ = "VARCHAR"
				}
				cols = append(cols, fmt.Sprintf("CAST(%s AS %s) AS %s", lit, typ, ident(f.Name)))
			case typ != "":
				cols = append(cols, fmt.Sprintf("CAST(%s AS %s) AS %s", ident(f.Name), typ, ident(f.Name)))
			default:
				cols = append(cols, ident(f.Name))
			}
		}
		var lits []string
		for _, p := range g.files {
			lits = append(lits, literal(p))
		}
		selects = append(selects, fmt.Sprintf("SELECT %s FROM read_parquet([%s], union_by_name=true, hive_partitioning=false)",
			strings.Join(cols, ", "), strings.Join(lits, ", ")))
	}
	if len(selects) == 0 {
		var cols []string
		for _, f := range schema.Fields {
			typ := duckType(f.TypeName())
			if typ == "" {
				typ = "VARCHAR"
			}
			cols = append(cols, fmt.Sprintf("CAST(NULL AS %s) AS %s", typ, ident(f.Name)))
		}
		selects = append(selects, "SELECT "+strings.Join(cols, ", ")+" WHERE false")
	}
	q := fmt.Sprintf("CREATE OR REPLACE VIEW %s AS %s", ident(name), strings.Join(selects, "\nUNION ALL BY NAME\n"))
	if _, err := d.db.ExecContext(ctx, q); err != nil {
		return Table{}, fmt.Errorf("create view: %w", err)
	}
	return t, nil
}
