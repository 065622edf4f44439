package postgres_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/postgres"
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
// "empty" starts each iteration from an empty contacts table, so Bulk
// drops the secondary indexes and rebuilds them at the end (the initial
// load); "append" adds to a table that already has rows and maintains the
// indexes row by row; "replace" upserts the same 100,000 contacts again
// (the re-import path: look-up by contact_id, UPDATE by primary key).
func BenchmarkBulkContacts(b *testing.B) {
	const perOp, batch, places = 100_000, 50_000, 3000
	load := func(b *testing.B, db *postgres.DB, first int64) {
		rows := benchContacts(first, perOp, places)
		b.StartTimer()
		err := db.Bulk(ctx, func(w pursuit.BulkWriter) error {
			for lo := 0; lo < len(rows); lo += batch {
				if err := w.UpsertContacts(ctx, rows[lo:min(lo+batch, len(rows))]); err != nil {
					return err
				}
			}
			return nil
		})
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
	}
	setup := func(b *testing.B) *postgres.DB {
		db := openDB(b)
		if err := db.Bulk(ctx, func(w pursuit.BulkWriter) error { return w.UpsertPlaces(ctx, benchPlaces(places)) }); err != nil {
			b.Fatal(err)
		}
		return db
	}
	b.Run("empty", func(b *testing.B) {
		db := setup(b)
		b.StopTimer()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := db.Pool().Exec(ctx, `TRUNCATE contacts, customer_contact_relation, customer_mapping, change_log`); err != nil {
				b.Fatal(err)
			}
			load(b, db, 1)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perOp), "ns/contact")
	})
	b.Run("append", func(b *testing.B) {
		db := setup(b)
		b.StopTimer()
		load(b, db, 1) // the table is not empty from here on
		b.ResetTimer()
		next := int64(perOp + 1)
		for i := 0; i < b.N; i++ {
			load(b, db, next)
			next += perOp
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perOp), "ns/contact")
	})
	b.Run("replace", func(b *testing.B) {
		db := setup(b)
		b.StopTimer()
		load(b, db, 1)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			load(b, db, 1)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perOp), "ns/contact")
	})
}
