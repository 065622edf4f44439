package postgres_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// benchStates spreads benchmark places over a few partitions.
var benchStates = []string{"NY", "CA", "TX", "IL", "OH", "PA", "FL", "GA"}

func benchPlaces(n int) []pursuit.Place {
	ps := make([]pursuit.Place, n)
	for i := range ps {
		ps[i] = pursuit.Place{
			PlaceID: int64(i + 1), Name: fmt.Sprintf("Place %d", i+1), PlaceType: pursuit.PlaceTypeMunicipality,
			StateAbbr: benchStates[i%len(benchStates)], County: "Some County", Population: int64(1000 + i),
			Website: "www.example.gov", EmailDomain: "example.gov", GEOID: fmt.Sprint(1000000 + i),
		}
	}
	return ps
}

func benchContacts(first int64, n, places int) []pursuit.Contact {
	ts := time.Date(2024, 1, 2, 3, 4, 5, 6000, time.UTC)
	cs := make([]pursuit.Contact, n)
	for i := range cs {
		id := first + int64(i)
		cs[i] = pursuit.Contact{
			ContactID: id, PlaceID: id%int64(places) + 1, Name: fmt.Sprintf("First%d Last%d", id, id),
			FirstName: fmt.Sprintf("First%d", id), LastName: fmt.Sprintf("Last%d", id),
			Email: fmt.Sprintf("first%d.last@example.gov", id), Phone: "(555) 555-0142",
			Title:        []string{"IT Director", "City Clerk", "Finance Director", "Superintendent"}[id%4],
			Department:   []string{"Information Technology", "Administration", "Finance", "Schools"}[id%4],
			AccountOwner: "Bob", VerifiedAt: ts, CreatedAt: ts, UpdatedAt: ts,
		}
	}
	return cs
}

// BenchmarkBulkContacts loads 100,000 new contacts per iteration through
// Bulk in batches of 50,000, with every index, trigger and foreign key of
// the real schema; ns/contact is the per-row cost an import pays.
func BenchmarkBulkContacts(b *testing.B) {
	const perOp, batch, places = 100_000, 50_000, 3000
	db := openDB(b)
	if err := db.Bulk(ctx, func(w pursuit.BulkWriter) error { return w.UpsertPlaces(ctx, benchPlaces(places)) }); err != nil {
		b.Fatal(err)
	}
	next := int64(1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		rows := benchContacts(next, perOp, places)
		next += perOp
		b.StartTimer()
		err := db.Bulk(ctx, func(w pursuit.BulkWriter) error {
			for lo := 0; lo < len(rows); lo += batch {
				if err := w.UpsertContacts(ctx, rows[lo:min(lo+batch, len(rows))]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perOp), "ns/contact")
}
