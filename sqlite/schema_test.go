package sqlite_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
)

// TestSchemaMatchesDescriptions reads the catalog of a migrated database
// and checks every seed table against pursuit's description: the same
// columns in the same order, each of its kind's type, NOT NULL unless
// Nullable, the described primary key, and a CHECK of the allowed values
// of an enum column the migrations constrain.
func TestSchemaMatchesDescriptions(t *testing.T) {
	db := open(t)
	for _, tab := range pursuit.TableInfos() {
		rows, err := db.SQL().QueryContext(ctx, `SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY cid`, tab.Name)
		if err != nil {
			t.Fatal(err)
		}
		type col struct {
			Name, Type string
			NotNull    bool
		}
		var got, want []col
		var pk, wantPK []string
		for rows.Next() {
			var c col
			var pkPos int
			if err := rows.Scan(&c.Name, &c.Type, &c.NotNull, &pkPos); err != nil {
				t.Fatal(err)
			}
			if pkPos > 0 {
				pk = append(pk, c.Name)
				c.NotNull = true // an INTEGER PRIMARY KEY is the rowid: never NULL
			}
			got = append(got, c)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		for _, c := range tab.Columns {
			want = append(want, col{c.Name, c.Kind.SQLiteType(), !c.Is(pursuit.Nullable)})
			if c.Is(pursuit.Key) {
				wantPK = append(wantPK, c.Name)
			}
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: migrated columns differ from the description (-described +migrated):\n%s", tab.Name, d)
		}
		if d := cmp.Diff(wantPK, pk); d != "" {
			t.Errorf("%s: primary key (-described +migrated):\n%s", tab.Name, d)
		}
		var ddl string
		if err := db.SQL().QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, tab.Name).Scan(&ddl); err != nil {
			t.Fatal(err)
		}
		for _, c := range tab.Columns {
			if c.Enum == nil || !strings.Contains(ddl, c.Name+" IN (") {
				continue
			}
			if !strings.Contains(ddl, c.Name+" IN ('"+strings.Join(c.Enum, "', '")+"')") {
				t.Errorf("%s.%s: the CHECK does not allow exactly %v:\n%s", tab.Name, c.Name, c.Enum, ddl)
			}
		}
	}
}
