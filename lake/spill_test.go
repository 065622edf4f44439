package lake

import (
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// randText returns a random string, sometimes empty, sometimes with bytes
// that are not ASCII.
func randText(r *rand.Rand) string {
	if r.IntN(5) == 0 {
		return ""
	}
	b := make([]byte, r.IntN(40))
	for i := range b {
		b[i] = byte(r.IntN(256))
	}
	return string(b)
}

func randTime(r *rand.Rand) time.Time {
	if r.IntN(10) == 0 {
		return time.Time{}
	}
	return time.Unix(r.Int64N(4e9)-1e9, r.Int64N(1e9)).UTC()
}

// TestSpillRoundTrip writes random rows of both partitioned tables to a
// spill over random partitions and reads every partition back: each holds
// its rows in the order they were added, equal field by field except
// that timestamps keep microseconds (what the lake stores).
func TestSpillRoundTrip(t *testing.T) {
	for seed := range uint64(8) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 1))
			parts := []string{"", "NY", "CA", "TX", "VT"}[:1+r.IntN(5)]
			n := r.IntN(3000)
			want := map[string][]ContactRow{}
			sp, err := newSpill(t.TempDir(), contactCodec)
			if err != nil {
				t.Fatal(err)
			}
			defer sp.close()
			for i := range n {
				c := ContactRow{ContactID: int64(i) * r.Int64N(1<<40), PlaceID: r.Int64N(1<<62) - 1<<61,
					Name: randText(r), FirstName: randText(r), LastName: randText(r), Email: randText(r), Phone: randText(r),
					Title: randText(r), Department: randText(r), AccountOwner: randText(r),
					CreatedAt: randTime(r), UpdatedAt: randTime(r)}
				if r.IntN(2) == 0 {
					v := randTime(r)
					c.VerifiedAt = &v
				}
				p := parts[r.IntN(len(parts))]
				if err := sp.add(p, &c); err != nil {
					t.Fatal(err)
				}
				c.CreatedAt, c.UpdatedAt = micro(c.CreatedAt), micro(c.UpdatedAt)
				if c.VerifiedAt != nil {
					v := micro(*c.VerifiedAt)
					c.VerifiedAt = &v
				}
				want[p] = append(want[p], c)
			}
			if err := sp.finish(); err != nil {
				t.Fatal(err)
			}
			for _, p := range parts {
				got, err := sp.read(p)
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(want[p], got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); d != "" {
					t.Fatalf("partition %q (-want +got):\n%s", p, d)
				}
			}
		})
	}
}

// TestSpillPlaces round-trips place rows, and a corrupt spill file is an
// error, not a panic or a short read.
func TestSpillPlaces(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	sp, err := newSpill(t.TempDir(), placeCodec)
	if err != nil {
		t.Fatal(err)
	}
	defer sp.close()
	var want []PlaceRow
	for i := range 500 {
		p := PlaceRow{PlaceID: int64(i + 1), Name: randText(r), PlaceType: randText(r), County: randText(r), Population: r.Int64N(1e7),
			Website: randText(r), EmailDomain: randText(r), GEOID: randText(r), NCESID: randText(r), AccountOwner: randText(r),
			CreatedAt: micro(randTime(r)), UpdatedAt: micro(randTime(r))}
		if err := sp.add("NY", &p); err != nil {
			t.Fatal(err)
		}
		want = append(want, p)
	}
	if err := sp.finish(); err != nil {
		t.Fatal(err)
	}
	got, err := sp.read("NY")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
	// Truncate a record: reading fails with an error naming the file.
	sp2, _ := newSpill(t.TempDir(), placeCodec)
	defer sp2.close()
	sp2.add("NY", &want[0])
	sp2.add("NY", &want[1])
	sp2.finish()
	if err := truncateBy(sp2.parts["NY"].name, 3); err != nil {
		t.Fatal(err)
	}
	if _, err := sp2.read("NY"); err == nil {
		t.Fatal("a truncated spill read without an error")
	}
}

func micro(t time.Time) time.Time { return time.UnixMicro(t.UnixMicro()).UTC() }

func truncateBy(name string, n int64) error {
	fi, err := os.Stat(name)
	if err != nil {
		return err
	}
	return os.Truncate(name, fi.Size()-n)
}

// TestSpillCodecsCoverEveryColumn fills every parquet column of the
// partitioned tables' rows with a distinct value and round-trips the row
// through its codec: a column added to a row type but not to its codec
// fails here instead of being exported empty.
func TestSpillCodecsCoverEveryColumn(t *testing.T) {
	testCodecCovers(t, contactCodec)
	testCodecCovers(t, placeCodec)
}

func testCodecCovers[T any](t *testing.T, codec spillCodec[T]) {
	var r T
	v := reflect.ValueOf(&r).Elem()
	for i := 0; i < v.NumField(); i++ {
		if v.Type().Field(i).Tag.Get("parquet") == "-" {
			continue // the partition column lives in the path
		}
		f := v.Field(i)
		switch {
		case f.Type() == reflect.TypeFor[time.Time]():
			f.Set(reflect.ValueOf(time.UnixMicro(int64(i) * 1_000_003).UTC()))
		case f.Type() == reflect.TypeFor[*time.Time]():
			tm := time.UnixMicro(int64(i) * 1_000_003).UTC()
			f.Set(reflect.ValueOf(&tm))
		case f.Type() == reflect.TypeFor[*int64]():
			v := int64(i) + 100
			f.Set(reflect.ValueOf(&v))
		case f.Kind() == reflect.Int64:
			f.SetInt(int64(i) + 1)
		case f.Kind() == reflect.String:
			f.SetString(fmt.Sprintf("column %d", i))
		default:
			t.Fatalf("%T: field %s of kind %s: teach this test and the codec", r, v.Type().Field(i).Name, f.Kind())
		}
	}
	var got T
	d := &spillDecoder{b: codec.enc(nil, &r)}
	codec.dec(d, &got)
	if d.err != nil || len(d.b) != 0 {
		t.Fatalf("%T: decode: %v, %d bytes left", r, d.err, len(d.b))
	}
	if diff := cmp.Diff(r, got); diff != "" {
		t.Errorf("%T: a column does not survive the spill (-want +got):\n%s", r, diff)
	}
}
