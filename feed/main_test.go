package feed_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit/feed"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/search"
	"github.com/pursuit-gov/pursuit/sqlite"
)

// envChild makes the test binary a dispatcher over the SQLite file it
// names, for TestKillDispatcher to kill.
const envChild = "FEED_TEST_DISPATCHER_DB"

// TestMain runs the child dispatcher when asked, and otherwise the tests;
// it says so when the PostgreSQL halves were skipped.
func TestMain(m *testing.M) {
	if path := os.Getenv(envChild); path != "" {
		os.Exit(runChild(path))
	}
	os.Exit(testdb.Main(m, "feed"))
}

// runChild dispatches until killed, in small steps (two changes per
// derivation, short leases) so that a kill lands mid-batch often.
func runChild(path string) int {
	ctx := context.Background()
	db, err := sqlite.OpenExisting(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// The child runs the saved-search alerts too, through its own index.
	ix, err := search.Build(ctx, db, search.Options{PollInterval: 2 * time.Millisecond})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	go ix.Follow(ctx)
	d := feed.New(feed.Config{Store: db, Client: feed.NewClient(true), Batch: 2, Poll: 2 * time.Millisecond,
		Lease: 300 * time.Millisecond, Workers: 4, Alerts: httpapi.AlertMatcher(ix)})
	d.Run(ctx)
	return 0
}
