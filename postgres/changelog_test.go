package postgres_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pursuit-gov/pursuit"
)

// TestChangeLogCommitOrder has writers commit concurrently, through the
// store and through raw SQL that sleeps between its change and its commit
// (the window in which a plain sequence lets a later seq commit first),
// while a reader polls Changes(after=last) like the search index does. The
// reader must end up with every committed row: a row that became visible
// with a seq below one the reader had already passed would be lost to it.
func TestChangeLogCommitOrder(t *testing.T) {
	db := openDB(t)
	const writers, perWriter = 6, 25
	var wg sync.WaitGroup
	var done atomic.Bool
	var failed atomic.Int64
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWriter; i++ {
				var err error
				switch {
				case w%2 == 0:
					c := pursuit.Customer{Name: fmt.Sprintf("w%d-%d", w, i)}
					err = db.CreateCustomer(ctx, &c)
				case i%5 == 4:
					// A rolled-back transaction leaves a hole in seq that
					// must never be filled later.
					err = rawInsert(db, w, i, true)
				default:
					err = rawInsert(db, w, i, false)
				}
				if err != nil {
					failed.Add(1)
					t.Errorf("writer %d: %v", w, err)
					return
				}
			}
		}(w)
	}

	seen := map[int64]bool{}
	var last int64
	poll := func() {
		cs, err := db.Changes(ctx, last, 1000)
		must(t, err, "Changes")
		for _, c := range cs {
			if c.Seq <= last {
				t.Fatalf("Changes(after %d) returned seq %d", last, c.Seq)
			}
			last = c.Seq
			seen[c.Seq] = true
		}
	}
	go func() { wg.Wait(); done.Store(true) }()
	for !done.Load() {
		poll()
		time.Sleep(time.Millisecond)
	}
	poll()
	if failed.Load() > 0 {
		return
	}

	var all []int64
	rows, err := db.Pool().Query(ctx, `SELECT seq FROM change_log ORDER BY seq`)
	must(t, err, "read change_log")
	for rows.Next() {
		var s int64
		must(t, rows.Scan(&s), "scan")
		all = append(all, s)
	}
	must(t, rows.Err(), "rows")
	want := writers/2*perWriter + writers/2*perWriter*4/5
	if len(all) != want {
		t.Fatalf("change_log has %d rows, want %d", len(all), want)
	}
	var missed []int64
	for _, s := range all {
		if !seen[s] {
			missed = append(missed, s)
		}
	}
	sort.Slice(missed, func(i, j int) bool { return missed[i] < missed[j] })
	if len(missed) > 0 {
		t.Fatalf("the polling reader never saw seq %v: they committed after a higher seq", missed)
	}
	if got, err := db.LastSeq(ctx); err != nil || got != all[len(all)-1] {
		t.Fatalf("LastSeq = %d, %v; want %d", got, err, all[len(all)-1])
	}
}

// rawInsert inserts a customer with plain SQL, not taking the write lock
// itself, and holds the transaction open a little before committing (or
// rolling back).
func rawInsert(db interface {
	Pool() *pgxpool.Pool
}, w, i int, rollback bool) error {
	tx, err := db.Pool().Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, `INSERT INTO customers (name, created_at, updated_at) VALUES ($1, now(), now())`,
		fmt.Sprintf("raw w%d-%d", w, i)); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `SELECT pg_sleep(0.003)`); err != nil {
		return err
	}
	if rollback {
		return tx.Rollback(ctx)
	}
	return tx.Commit(ctx)
}

// TestClock checks that the injected clock sets created_at, updated_at and
// change_log.changed_at, at microsecond precision in UTC.
func TestClock(t *testing.T) {
	db := openDB(t)
	at := time.Date(2030, 1, 2, 3, 4, 5, 678901234, time.FixedZone("X", 3600))
	db.Now = func() time.Time { return at }
	want := at.UTC().Truncate(time.Microsecond)
	c := pursuit.Customer{Name: "acme"}
	must(t, db.CreateCustomer(ctx, &c), "CreateCustomer")
	got, err := db.GetCustomer(ctx, c.CustomerID)
	must(t, err, "GetCustomer")
	if !got.CreatedAt.Equal(want) || got.CreatedAt.Location() != time.UTC || !got.UpdatedAt.Equal(want) {
		t.Fatalf("created_at %v, updated_at %v; want %v", got.CreatedAt, got.UpdatedAt, want)
	}
	cs, err := db.Changes(ctx, 0, 10)
	must(t, err, "Changes")
	if len(cs) != 1 || !cs[0].ChangedAt.Equal(want) {
		t.Fatalf("Changes = %+v, want one change at %v", cs, want)
	}
}
