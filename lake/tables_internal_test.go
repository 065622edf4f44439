package lake

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// checkLakeTable fails when a lake table disagrees with pursuit's
// description of it: a Delta field or a Parquet column missing, extra or
// of another type, or a conversion that puts a column's value in another
// column. extra names the lake-only columns (the contacts' partition
// column).
func checkLakeTable[T, R any](t *testing.T, desc *pursuit.Table[T], s *spec[R], conv func(T) R, extra ...string) {
	t.Helper()
	want := map[string]string{}
	for _, c := range desc.Info().Columns {
		want[c.Name] = map[pursuit.Kind]string{pursuit.KindInt: tLong, pursuit.KindText: tStr, pursuit.KindTime: tTime}[c.Kind]
	}
	for _, e := range extra {
		want[e] = tStr
	}
	got := s.sparkTypes()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: Delta schema %v, description %v", desc.Name, got, want)
	}
	if s.name != desc.Name {
		t.Errorf("lake table %s describes %s", s.name, desc.Name)
	}

	// Parquet columns: every tagged field of the row type is a described
	// column; the partition column is in the path (tag "-").
	rt := reflect.TypeFor[R]()
	byName := map[string]int{}
	for i := 0; i < rt.NumField(); i++ {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("parquet"), ",")
		if name == "-" {
			name = s.partition
		}
		byName[name] = i
		if _, ok := want[name]; !ok {
			t.Errorf("%s: parquet column %s is not described", desc.Name, name)
		}
	}
	for name := range want {
		if _, ok := byName[name]; !ok {
			t.Errorf("%s: column %s has no parquet field", desc.Name, name)
		}
	}

	// A row whose every column holds a distinct value converts to a
	// parquet row with each value under its own column name.
	var r T
	for i := range desc.Columns {
		c := &desc.Columns[i]
		switch c.Kind {
		case pursuit.KindInt:
			*c.Int(&r) = int64(100 + i)
		case pursuit.KindText:
			*c.Text(&r) = c.Name + "-value"
		case pursuit.KindTime:
			*c.Time(&r) = time.Date(2020, 1, 1+i, 0, 0, 0, 0, time.UTC)
		}
	}
	pv := reflect.ValueOf(conv(r))
	for i := range desc.Columns {
		c := &desc.Columns[i]
		fi, ok := byName[c.Name]
		if !ok {
			continue
		}
		f := pv.Field(fi)
		if f.Kind() == reflect.Pointer {
			f = f.Elem()
		}
		if !f.IsValid() || !reflect.DeepEqual(f.Interface(), c.Value(&r)) {
			t.Errorf("%s: parquet column %s holds %v, want %v", desc.Name, c.Name, f, c.Value(&r))
		}
	}
}

func TestLakeTablesFollowTheDescriptions(t *testing.T) {
	checkLakeTable(t, pursuit.Customers, customersSpec, customerRow)
	checkLakeTable(t, pursuit.Places, placesSpec, placeRow)
	checkLakeTable(t, pursuit.Contacts, contactsSpec, func(c pursuit.Contact) ContactRow { return contactRow(c, "state_abbr-value") }, PartitionColumn)
	checkLakeTable(t, pursuit.TechStacks, techStackSpec, techStackRow)
	checkLakeTable(t, pursuit.PlaceGrants, placeGrantsSpec, placeGrantRow)
	checkLakeTable(t, pursuit.ContactGrants, contactGrantsSpec, contactGrantRow)
	checkLakeTable(t, pursuit.Mappings, mappingsSpec, mappingRow)
}
