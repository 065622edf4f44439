package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/search"
)

// openBenchIndex opens the index of a bench: from the snapshot at path
// when it can (caught up with the change log), else built, and then
// written to path for the next run.
func openBenchIndex(ctx context.Context, e *env, s pursuit.Store, path string) (*search.Index, error) {
	ix, err := search.Open(ctx, s, path, search.Options{Logger: e.log})
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	if path != "" && ix.Stats().SnapshotSeq < 0 {
		if _, err := ix.SaveSnapshot(path); err != nil {
			return nil, err
		}
	}
	return ix, nil
}

// freshness measures write → searchable while a load runs: a writer
// commits, every interval, a contact whose name holds a word no other row
// has, at a place of the customer with the most place grants, and times
// until that customer's search for the word finds it.
type freshness struct {
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	delays []time.Duration
	lost   int
	err    error
}

func startFreshness(ctx context.Context, s pursuit.Store, ix *search.Index, grants map[int64][]int64, every time.Duration) *freshness {
	var cust int64
	for c, g := range grants {
		if len(g) > len(grants[cust]) || len(g) == len(grants[cust]) && c < cust {
			cust = c
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	f := &freshness{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(f.done)
		places := grants[cust]
		var ids []int64
		defer func() {
			for _, id := range ids {
				s.DeleteContact(context.WithoutCancel(ctx), id)
			}
		}()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			word := fmt.Sprintf("fresh%dq%d", time.Now().UnixNano()%1e9, i)
			c := pursuit.Contact{PlaceID: places[i%len(places)], Name: "Quinn " + word, FirstName: "Quinn", LastName: word, Title: "Analyst"}
			t0 := time.Now()
			if err := s.CreateContact(ctx, &c); err != nil {
				if ctx.Err() == nil {
					f.mu.Lock()
					f.err = err
					f.mu.Unlock()
				}
				return
			}
			ids = append(ids, c.ContactID)
			for {
				res, err := ix.SearchContacts(cust, search.Request{Q: word, Limit: 1})
				if err == nil && res.Total == 1 {
					f.mu.Lock()
					f.delays = append(f.delays, time.Since(t0))
					f.mu.Unlock()
					break
				}
				// A write still in flight when the run stops is waited
				// for too: only one not found within 10 s is lost.
				if time.Since(t0) > 10*time.Second {
					f.mu.Lock()
					f.lost++
					f.mu.Unlock()
					break
				}
				time.Sleep(time.Millisecond)
			}
		}
	}()
	return f
}

func (f *freshness) stop() {
	f.cancel()
	<-f.done
}

func (f *freshness) report(w io.Writer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d := slices.Clone(f.delays)
	slices.Sort(d)
	if len(d) == 0 {
		fmt.Fprintf(w, "write → searchable: no write measured (%d lost, err %v)\n", f.lost, f.err)
		return
	}
	pct := func(p float64) time.Duration {
		return d[min(len(d)-1, int(p*float64(len(d))))].Round(100 * time.Microsecond)
	}
	goal := "met"
	if pct(0.99) > 100*time.Millisecond || f.lost > 0 {
		goal = "NOT met"
	}
	fmt.Fprintf(w, "write → searchable during the mixed run: %d writes, p50 %v, p99 %v, max %v, not found within 10 s %d (goal p99 <= 100 ms: %s)\n",
		len(d), pct(0.5), pct(0.99), d[len(d)-1].Round(100*time.Microsecond), f.lost, goal)
	if f.err != nil {
		fmt.Fprintf(w, "write → searchable: the writer stopped: %v\n", f.err)
	}
}
