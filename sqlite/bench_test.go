package sqlite_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/sqlite"
)

var (
	benchFirst  = []string{"Jane", "John", "Maria", "Robert", "Linda", "Michael", "Susan", "David", "Karen", "James", "Ana", "Wei"}
	benchLast   = []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Nguyen", "Kim"}
	benchTitles = []string{"IT Director", "Chief Information Officer", "Finance Director", "City Clerk", "Fire Chief",
		"Superintendent", "Procurement Officer", "GIS Analyst", "Network Administrator", "Public Works Director"}
	benchDepts = []string{"Information Technology", "Finance", "Administration", "Fire", "Public Works", "Purchasing", "Planning", "Police"}
)

// benchContacts returns contacts lo+1..hi spread over nPlaces places, with
// realistic field lengths.
func benchContacts(dst []pursuit.Contact, lo, hi, nPlaces int, at time.Time) []pursuit.Contact {
	dst = dst[:0]
	for id := lo + 1; id <= hi; id++ {
		f, l := benchFirst[id%len(benchFirst)], benchLast[(id/7)%len(benchLast)]
		place := int64(id%nPlaces + 1)
		dst = append(dst, pursuit.Contact{
			ContactID: int64(id), PlaceID: place, Name: f + " " + l + " " + strconv.Itoa(id), FirstName: f, LastName: l,
			Email: f + "." + l + strconv.Itoa(id) + "@place" + strconv.FormatInt(place, 10) + ".gov",
			Phone: "(217) 555-" + strconv.Itoa(1000+id%9000),
			Title: benchTitles[(id/3)%len(benchTitles)], Department: benchDepts[(id/5)%len(benchDepts)],
			AccountOwner: benchFirst[id%5], VerifiedAt: at, CreatedAt: at, UpdatedAt: at,
		})
	}
	return dst
}

func benchPlaces(n int, at time.Time) []pursuit.Place {
	ps := make([]pursuit.Place, n)
	for i := range ps {
		id := i + 1
		ps[i] = pursuit.Place{PlaceID: int64(id), Name: "Place " + strconv.Itoa(id), PlaceType: pursuit.PlaceTypes[id%len(pursuit.PlaceTypes)],
			StateAbbr: []string{"NY", "IL", "TX", "CA", "OH"}[id%5], County: "County " + strconv.Itoa(id%3000), Population: int64(id * 37 % 2000000),
			Website: "www.place" + strconv.Itoa(id) + ".gov", EmailDomain: "place" + strconv.Itoa(id) + ".gov", GEOID: strconv.Itoa(1000000 + id),
			AccountOwner: "Bob", CreatedAt: at, UpdatedAt: at}
	}
	return ps
}

// benchN returns the number of contacts a bulk benchmark loads: 100,000,
// or PURSUIT_BENCH_CONTACTS (e.g. 4500000 for the seed scale, with
// -benchtime=1x).
func benchN(b *testing.B) int {
	n := 100000
	if v := os.Getenv("PURSUIT_BENCH_CONTACTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("PURSUIT_BENCH_CONTACTS: %v", err)
		}
	}
	return n
}

func benchDB(b *testing.B, nPlaces int, at time.Time) *sqlite.DB {
	b.Helper()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if os.Getenv("PURSUIT_BENCH_LOG") != "" {
		db.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if err := db.Bulk(ctx, func(w pursuit.BulkWriter) error { return w.UpsertPlaces(ctx, benchPlaces(nPlaces, at)) }); err != nil {
		b.Fatal(err)
	}
	return db
}

func loadContacts(b *testing.B, db *sqlite.DB, n, nPlaces int, at time.Time) {
	const batch = 5000
	buf := make([]pursuit.Contact, 0, batch)
	err := db.Bulk(ctx, func(w pursuit.BulkWriter) error {
		for lo := 0; lo < n; lo += batch {
			buf = benchContacts(buf, lo, min(lo+batch, n), nPlaces, at)
			if err := w.UpsertContacts(ctx, buf); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkBulkLoadContacts loads contacts into an empty table: the fast
// path, including the index and FTS5 rebuilds and the change_log rows.
func BenchmarkBulkLoadContacts(b *testing.B) {
	n, nPlaces := benchN(b), 150000
	at := time.Date(2025, 1, 2, 3, 4, 5, 6000, time.UTC)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := benchDB(b, nPlaces, at)
		b.StartTimer()
		loadContacts(b, db, n, nPlaces, at)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkBulkUpsertContacts replaces existing contacts: the trigger
// path, where every row updates its indexes, its FTS5 entry and
// change_log one by one.
func BenchmarkBulkUpsertContacts(b *testing.B) {
	n, nPlaces := benchN(b), 150000
	at := time.Date(2025, 1, 2, 3, 4, 5, 6000, time.UTC)
	db := benchDB(b, nPlaces, at)
	loadContacts(b, db, n, nPlaces, at)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		loadContacts(b, db, n, nPlaces, at.Add(time.Duration(i+1)*time.Second))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "rows/s")
}
