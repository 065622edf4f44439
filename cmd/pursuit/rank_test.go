package main

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/rank"
	"github.com/pursuit-gov/pursuit/sqlite"
)

// simStore makes a SQLite file with a small simulated world and its
// customers' first sessions recorded.
func simStore(t *testing.T) (string, *rank.Sim) {
	t.Helper()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "rank.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sim, err := rank.NewSim(ctx, db, rank.SimConfig{Seed: 4, Places: 100, Contacts: 2000})
	if err != nil {
		t.Fatal(err)
	}
	rec := rank.NewAsyncRecorder(db, rank.RecorderOptions{})
	rctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { rec.Run(rctx); close(done) }()
	r := rand.New(rand.NewPCG(4, 4))
	for i, c := range sim.Warm {
		if err := sim.Sessions(ctx, rank.NewRanker(0, sim.Now), rec, c, &rank.Personas[i], rank.DefaultClickModel, 20, r); err != nil {
			t.Fatal(err)
		}
	}
	stop()
	<-done
	return path, sim
}

func TestRankCommands(t *testing.T) {
	path, _ := simStore(t)
	out, _, err := runCmd(t, "rank", "status", "--db", path)
	if err != nil || !strings.Contains(out, "active: none") || !strings.Contains(out, "previous: none") {
		t.Fatalf("status: %q %v", out, err)
	}
	if _, _, err := runCmd(t, "rank", "rollback", "--db", path); pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
		t.Fatalf("rollback without a model: %v", err)
	}
	for i, want := range []string{"model 1:", "model 2:"} {
		out, _, err := runCmd(t, "rank", "train", "--db", path, "--event-retention", "0")
		if err != nil || !strings.HasPrefix(out, want) || !strings.Contains(out, "6 customers with events") {
			t.Fatalf("train %d: %q %v", i, out, err)
		}
	}
	out, _, _ = runCmd(t, "rank", "status", "--db", path)
	if !strings.Contains(out, "active: model 2,") || !strings.Contains(out, "previous: model 1,") {
		t.Fatalf("status: %q", out)
	}
	out, _, err = runCmd(t, "rank", "rollback", "--db", path)
	if err != nil || !strings.HasPrefix(out, "model 1 ") {
		t.Fatalf("rollback: %q %v", out, err)
	}
	out, _, _ = runCmd(t, "rank", "status", "--db", path)
	if !strings.Contains(out, "active: model 1,") || !strings.Contains(out, "previous: none") {
		t.Fatalf("status after rollback: %q", out)
	}
	// The simulated events are dated 2026; a retention of a day deletes
	// them all, and the model then knows no customer.
	out, _, err = runCmd(t, "rank", "train", "--db", path, "--event-retention", "1d")
	if err != nil || !strings.Contains(out, "0 customers with events") || strings.Contains(out, "(0 older") {
		t.Fatalf("train after retention: %q %v", out, err)
	}
	for _, args := range [][]string{
		{"rank", "train", "--db", path, "--event-retention", "-1d"},
		{"rank", "train", "--db", path, "extra"},
		{"rank", "frobnicate"},
	} {
		if _, _, err := runCmd(t, args...); err == nil {
			t.Fatalf("%v: no error", args)
		}
	}
}

// TestRankLoop drives serve's ranking loop with its own ticks: it loads
// the active model at start, trains on a train tick, and picks up a
// rollback made elsewhere on a reload tick.
func TestRankLoop(t *testing.T) {
	path, _ := simStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, _, err := runCmd(t, "rank", "train", "--db", path, "--event-retention", "0"); err != nil {
		t.Fatal(err)
	}
	e := &env{getenv: func(string) string { return "" }, log: slog.New(slog.DiscardHandler)}
	rk := rank.NewRanker(0, nil)
	reload, train := make(chan time.Time), make(chan time.Time)
	done := make(chan struct{})
	go func() { rankLoop(ctx, e, db, rk, reload, train, 0, 0); close(done) }()
	// Each send returns once the loop takes it, so once the previous one
	// is handled.
	reload <- time.Time{}
	if m := rk.Model(); m == nil || m.ModelID != 1 {
		t.Fatalf("model at start: %+v", m)
	}
	train <- time.Now()
	reload <- time.Time{}
	if m := rk.Model(); m == nil || m.ModelID != 2 {
		t.Fatalf("model after a train tick: %+v", m)
	}
	if _, err := db.RollbackRankModel(ctx); err != nil {
		t.Fatal(err)
	}
	reload <- time.Time{}
	reload <- time.Time{}
	if m := rk.Model(); m == nil || m.ModelID != 1 {
		t.Fatalf("model after a rollback and a reload: %+v", m)
	}
	cancel()
	<-done
}

// TestRankLoopTrainsOncePerPeriod runs two servers' ranking loops over one
// store, as a fleet does: a train tick on the second, just after the first
// trained, loads the first one's model instead of training another; once
// the active model is older than half the period, a tick trains again.
// The ticks carry their time, so the test does not depend on how long a
// training takes on a loaded machine.
func TestRankLoopTrainsOncePerPeriod(t *testing.T) {
	path, _ := simStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e := &env{getenv: func(string) string { return "" }, log: slog.New(slog.DiscardHandler)}
	const every = time.Hour
	type server struct {
		rk            *rank.Ranker
		reload, train chan time.Time
	}
	var servers [2]server
	var wg sync.WaitGroup
	for i := range servers {
		sv := server{rank.NewRanker(0, nil), make(chan time.Time), make(chan time.Time)}
		servers[i] = sv
		wg.Add(1)
		go func() { defer wg.Done(); rankLoop(ctx, e, db, sv.rk, sv.reload, sv.train, every, 0) }()
	}
	active := func() int64 {
		t.Helper()
		m, err := db.RankModel(ctx, pursuit.ModelActive)
		if err != nil {
			t.Fatal(err)
		}
		return m.ModelID
	}
	servers[0].train <- time.Now() // no model yet: trains model 1
	servers[0].reload <- time.Time{}
	if got := active(); got != 1 {
		t.Fatalf("after the first tick the active model is %d, want 1", got)
	}
	m1 := servers[0].rk.Model()
	if m1 == nil || m1.ModelID != 1 {
		t.Fatalf("the first server serves %+v, want model 1", m1)
	}
	// The ticks carry their time, as a ticker's do: a minute after model
	// 1 was trained it is fresh, half a period and a minute later old.
	servers[1].train <- m1.Trained.Add(time.Minute) // model 1 is fresh: loads it
	servers[1].reload <- time.Time{}
	if got := active(); got != 1 {
		t.Fatalf("a second server's tick right after trained model %d, want none", got)
	}
	if m := servers[1].rk.Model(); m == nil || m.ModelID != 1 {
		t.Fatalf("the second server serves %+v, want model 1", m)
	}
	servers[1].train <- m1.Trained.Add(every/2 + time.Minute) // model 1 is now old: trains model 2
	servers[1].reload <- time.Time{}
	if got := active(); got != 2 {
		t.Fatalf("a tick after half the period: active model %d, want 2", got)
	}
	cancel()
	wg.Wait()
}
