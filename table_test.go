package pursuit

import (
	"reflect"
	"strings"
	"testing"
)

// checkTable fails when a description disagrees with its domain type: a
// field without a column, a column named other than the field's JSON
// name, a NOT NULL column whose zero value the JSON view omits, or a column kind that is not the field's Go type.
func checkTable[T any](t *testing.T, tab *Table[T]) {
	t.Helper()
	typ := reflect.TypeFor[T]()
	byField := map[string]ColumnInfo{}
	for _, c := range tab.Info().Columns {
		byField[c.Field] = c
	}
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		name := JSONName(f)
		if name == "" {
			continue
		}
		c, ok := byField[f.Name]
		if !ok {
			t.Errorf("%s: field %s has no column", tab.Name, f.Name)
			continue
		}
		if c.Name != name {
			t.Errorf("%s.%s: column name %q, JSON name %q", tab.Name, f.Name, c.Name, name)
		}
		_, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		omits := strings.Contains(opts, "omitzero") || strings.Contains(opts, "omitempty")
		if omits && !c.Is(Nullable) {
			t.Errorf("%s.%s: JSON omits the zero value of a NOT NULL column", tab.Name, c.Name)
		}
		want := map[Kind]string{KindInt: "int64", KindText: "string", KindTime: "time.Time"}[c.Kind]
		if f.Type.String() != want {
			t.Errorf("%s.%s: kind wants %s, field is %s", tab.Name, c.Name, want, f.Type)
		}
	}
	if len(byField) != len(tab.Columns) {
		t.Errorf("%s: %d columns for %d fields", tab.Name, len(tab.Columns), len(byField))
	}
	for _, k := range tab.Key {
		if c := tab.Columns[tab.Index(k)]; !c.Is(Key | Required) {
			t.Errorf("%s: key column %s is not flagged Key|Required", tab.Name, k)
		}
	}
}

func TestTablesDescribeTheDomainTypes(t *testing.T) {
	checkTable(t, Customers)
	checkTable(t, Places)
	checkTable(t, Contacts)
	checkTable(t, TechStacks)
	checkTable(t, PlaceGrants)
	checkTable(t, ContactGrants)
	checkTable(t, Mappings)
	infos := TableInfos()
	if len(infos) != len(DataTables) {
		t.Fatalf("%d descriptions for %d tables", len(infos), len(DataTables))
	}
	for i, ti := range infos {
		if ti.Name != DataTables[i] {
			t.Errorf("description %d is %s, DataTables has %s", i, ti.Name, DataTables[i])
		}
	}
}

// TestDescribeFindsFields checks that the accessor, not the list order,
// names a column's field, and that a wrong accessor is refused.
func TestDescribeFindsFields(t *testing.T) {
	if f := Contacts.Columns[Contacts.Index("verified_at")].Field; f != "VerifiedAt" {
		t.Fatalf("verified_at's field = %q", f)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("two columns of one field were accepted")
		}
	}()
	describe(&Table[Customer]{Name: "x", Columns: []Column[Customer]{
		TextCol("name", 0, func(r *Customer) *string { return &r.Name }),
		TextCol("other", 0, func(r *Customer) *string { return &r.Name }),
	}})
}
