package sqlite

import (
	"testing"
	"testing/fstest"
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
