package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/pursuit-gov/pursuit"
)

func TestLoadMigrations(t *testing.T) {
	sql := &fstest.MapFile{Data: []byte("CREATE TABLE t (x);")}
	for _, tt := range []struct {
		name    string
		files   fstest.MapFS
		want    []int
		wantErr bool
	}{
		{"ordered", fstest.MapFS{"migration/0002_b.sql": sql, "migration/0001_a.sql": sql}, []int{1, 2}, false},
		{"gap", fstest.MapFS{"migration/0001_a.sql": sql, "migration/0003_c.sql": sql}, nil, true},
		{"duplicate", fstest.MapFS{"migration/0001_a.sql": sql, "migration/1_b.sql": sql}, nil, true},
		{"no number", fstest.MapFS{"migration/init.sql": sql}, nil, true},
		{"zero", fstest.MapFS{"migration/0000_a.sql": sql}, nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := loadMigrations(tt.files)
			if (err != nil) != tt.wantErr {
				t.Fatalf("loadMigrations error = %v, want error %v", err, tt.wantErr)
			}
			var got []int
			for _, m := range ms {
				got = append(got, m.version)
			}
			if !tt.wantErr && len(got) != len(tt.want) {
				t.Fatalf("versions = %v, want %v", got, tt.want)
			}
		})
	}
	if SchemaVersion() < 1 || migrations[0].version != 1 {
		t.Fatalf("embedded migrations: SchemaVersion() = %d", SchemaVersion())
	}
}

// TestMigrateAtomic applies a second migration that fails halfway: its
// first statement must be rolled back with it, and the recorded version
// must stay at 1.
func TestMigrateAtomic(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms := []migration{
		{version: 1, name: "0001_a.sql", sql: "CREATE TABLE a (x INTEGER);"},
		{version: 2, name: "0002_b.sql", sql: "CREATE TABLE b (x INTEGER); INSERT INTO no_such_table VALUES (1);"},
	}
	applied, err := db.migrate(ctx, ms)
	if err == nil {
		t.Fatal("migrate with a failing migration succeeded")
	}
	if len(applied) != 1 || applied[0] != 1 {
		t.Fatalf("applied = %v, want [1]", applied)
	}
	if v, err := db.Version(ctx); err != nil || v != 1 {
		t.Fatalf("Version = %d, %v; want 1", v, err)
	}
	var n int
	if err := db.r.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'b'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("table b of the failed migration: count %d, %v; want 0", n, err)
	}
	// Fixed, it applies; a binary that knows only migration 1 is refused.
	ms[1].sql = "CREATE TABLE b (x INTEGER);"
	if applied, err := db.migrate(ctx, ms); err != nil || len(applied) != 1 || applied[0] != 2 {
		t.Fatalf("migrate after the fix = %v, %v; want [2]", applied, err)
	}
	if _, err := db.migrate(ctx, ms[:1]); pursuit.ErrorCode(err) != pursuit.ESCHEMA {
		t.Fatalf("an older binary's migrate = %v, want %s", err, pursuit.ESCHEMA)
	}
}
