package main

import (
	"strings"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/transfer"
)

// TestLoadGoalVerdict checks that bench load judges the goal only of a
// load of the seed's scale: a small load neither meets nor misses it.
func TestLoadGoalVerdict(t *testing.T) {
	res := func(contacts int64, took time.Duration) *transfer.Result {
		return &transfer.Result{Elapsed: took, Tables: []transfer.TableStats{
			{Table: pursuit.TablePlaces, Rows: 150_000},
			{Table: pursuit.TableContacts, Rows: contacts},
		}}
	}
	for _, tt := range []struct {
		contacts int64
		took     time.Duration
		want     string
	}{
		{20_000, time.Second, "is not compared"},
		{20_000, 2 * time.Minute, "is not compared"},
		{4_500_000, 59 * time.Second, "goal: under 1m0s: met"},
		{4_500_000, 78 * time.Second, "goal: under 1m0s: MISSED by 18"},
		{9_000_000, 50 * time.Second, "goal: under 1m0s: met"},
	} {
		got := loadGoalVerdict(time.Minute, res(tt.contacts, tt.took))
		if !strings.Contains(got, tt.want) {
			t.Errorf("%d contacts in %v: %q, want it to say %q", tt.contacts, tt.took, got, tt.want)
		}
	}
}
