package postgres_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
)

// storeInternal lists the store-internal columns of each table
// (docs/schema.md, "Partitioning and referential integrity"): the
// partition keys of the rows a table references, never in the domain
// types.
var storeInternal = map[string]map[string]string{
	pursuit.TableContacts:                {"state_abbr": "text"},
	pursuit.TableTechStack:               {"state_abbr": "text"},
	pursuit.TableCustomerPlaceRelation:   {"state_abbr": "text"},
	pursuit.TableCustomerContactRelation: {"place_id": "bigint"},
	pursuit.TableCustomerMapping:         {"place_state_abbr": "text", "contact_place_id": "bigint"},
}

// TestSchemaMatchesDescriptions reads the catalog of a migrated database
// and checks every seed table against pursuit's description: the domain
// columns in the described order, each of its kind's type, NOT NULL unless
// Nullable, the described key within the primary key (which adds the
// partition key), a CHECK of an enum column listing exactly its values
// where the migrations constrain it, and nothing but the store-internal
// columns besides.
func TestSchemaMatchesDescriptions(t *testing.T) {
	db := openDB(t)
	for _, tab := range pursuit.TableInfos() {
		rows, err := db.Pool().Query(ctx, `SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
				coalesce(a.attnum = ANY (i.indkey), false)
			FROM pg_attribute a
			LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
			WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
			ORDER BY a.attnum`, tab.Name)
		if err != nil {
			t.Fatal(err)
		}
		type col struct {
			Name, Type string
			NotNull    bool
		}
		var got, want []col
		var pk []string
		internal := map[string]string{}
		for rows.Next() {
			var c col
			var inPK bool
			if err := rows.Scan(&c.Name, &c.Type, &c.NotNull, &inPK); err != nil {
				t.Fatal(err)
			}
			if inPK {
				pk = append(pk, c.Name)
			}
			if typ, ok := storeInternal[tab.Name][c.Name]; ok {
				internal[c.Name] = c.Type
				if c.Type != typ {
					t.Errorf("%s.%s: store-internal column is %s, want %s", tab.Name, c.Name, c.Type, typ)
				}
				continue
			}
			got = append(got, c)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		for _, c := range tab.Columns {
			want = append(want, col{c.Name, c.Kind.PostgresType(), !c.Is(pursuit.Nullable)})
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: migrated columns differ from the description (-described +migrated):\n%s", tab.Name, d)
		}
		if len(internal) != len(storeInternal[tab.Name]) {
			t.Errorf("%s: store-internal columns %v, want %v", tab.Name, internal, storeInternal[tab.Name])
		}
		for _, k := range tab.Key {
			if !strings.Contains(" "+strings.Join(pk, " ")+" ", " "+k+" ") {
				t.Errorf("%s: key column %s is not in the primary key %v", tab.Name, k, pk)
			}
		}
		var checks string
		err = db.Pool().QueryRow(ctx, `SELECT coalesce(string_agg(pg_get_constraintdef(oid), ' | '), '')
			FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'c'`, tab.Name).Scan(&checks)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range tab.Columns {
			if c.Enum == nil || !strings.Contains(checks, "("+c.Name+" = ANY") {
				continue
			}
			if !strings.Contains(checks, "("+c.Name+" = ANY (ARRAY['"+strings.Join(c.Enum, "'::text, '")+"'::text]))") {
				t.Errorf("%s.%s: the CHECK does not allow exactly %v: %s", tab.Name, c.Name, c.Enum, checks)
			}
		}
	}
}
