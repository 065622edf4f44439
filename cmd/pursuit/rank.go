package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/rank"
)

// Defaults of the ranking flags.
const (
	defaultEventRetention = 180 * 24 * time.Hour
	defaultTrainEvery     = 24 * time.Hour
	defaultModelReload    = time.Minute
)

func runRank(ctx context.Context, e *env, args []string) error {
	usage := "Usage: pursuit rank train [--seed N] [--event-retention D]\n" +
		"       pursuit rank rollback\n" +
		"       pursuit rank status\n\n" +
		"train deletes the engagement events older than the retention, trains a ranking model on the\n" +
		"rest and makes it the active one (the one before is kept); rollback goes back to that one;\n" +
		"status shows both. Servers pick a new active model up within --rank-reload. See docs/ranking.md."
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, usage)
		return usageErrorf("rank: no command given (train, rollback or status)")
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, usage)
		return nil
	case "train":
		return rankTrain(ctx, e, args[1:])
	case "rollback":
		return rankRollback(ctx, e, args[1:])
	case "status":
		return rankStatus(ctx, e, args[1:])
	}
	return usageErrorf("rank: unknown command %q (train, rollback or status)", args[0])
}

// durationEnv parses a duration flag's default from an environment
// variable (checkEnv has checked it).
func durationEnv(e *env, name string, def time.Duration) time.Duration {
	if v := e.getenv(name); v != "" {
		if d, err := parseDuration(v); err == nil {
			return d
		}
	}
	return def
}

// parseDuration parses a Go duration ("720h", "90m") or a number of days
// ("180d"); it must not be negative.
func parseDuration(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	var d time.Duration
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.ParseUint(n, 10, 32)
		if err != nil {
			return 0, fmt.Errorf("not a duration: want e.g. 180d, 720h or 0")
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			return 0, fmt.Errorf("not a duration: want e.g. 180d, 720h or 0")
		}
	}
	if d < 0 {
		return 0, fmt.Errorf("must not be negative")
	}
	return d, nil
}

// durationFlag is a flag.Value of parseDuration.
type durationFlag struct{ d *time.Duration }

func (f durationFlag) String() string {
	if f.d == nil {
		return ""
	}
	return f.d.String()
}

func (f durationFlag) Set(v string) error {
	d, err := parseDuration(v)
	if err != nil {
		return err
	}
	*f.d = d
	return nil
}

func newDurationFlag(fs *flag.FlagSet, name string, def time.Duration, usage string) *time.Duration {
	d := def
	fs.Var(durationFlag{&d}, name, usage)
	return &d
}

// trainModel deletes the events older than retention (0 keeps them all),
// trains a model on the rest and stores it as the active model.
func trainModel(ctx context.Context, e *env, s pursuit.Store, seed uint64, retention time.Duration) (*rank.Model, int64, error) {
	now := time.Now()
	var pruned int64
	if retention > 0 {
		var err error
		if pruned, err = s.DeleteEventsBefore(ctx, now.Add(-retention)); err != nil {
			return nil, 0, fmt.Errorf("delete old events: %w", err)
		}
	}
	m, err := rank.Train(ctx, s, rank.TrainOptions{Seed: seed, Now: now, Logger: e.log})
	if err != nil {
		return nil, pruned, err
	}
	body, err := m.Encode()
	if err != nil {
		return nil, pruned, err
	}
	rm := pursuit.RankModel{Events: m.Events, Body: body, CreatedAt: now}
	if err := s.PutRankModel(ctx, &rm); err != nil {
		return nil, pruned, fmt.Errorf("store model: %w", err)
	}
	m.ModelID = rm.ModelID
	return m, pruned, nil
}

func rankTrain(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "rank train", "", "Train a ranking model on the stored engagement events and make it the active one.")
	db := dbFlag(fs, e)
	seed := fs.Uint64("seed", 1, "seed of the pairs kept of a customer with more than the cap")
	retention := newDurationFlag(fs, "event-retention", durationEnv(e, "PURSUIT_EVENT_RETENTION", defaultEventRetention),
		"delete events older than this first, e.g. 180d or 720h; 0 keeps every event (env PURSUIT_EVENT_RETENTION)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("rank train: unexpected argument %q", fs.Arg(0))
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return fmt.Errorf("rank train: %w", err)
	}
	defer s.Close()
	start := time.Now()
	m, pruned, err := trainModel(ctx, e, s, *seed, *retention)
	if err != nil {
		return fmt.Errorf("rank train: %w", err)
	}
	fmt.Fprintf(e.stdout, "model %d: %d events (%d older ones deleted), %d customers with events, %d pairs, trained in %s\n",
		m.ModelID, m.Events, pruned, len(m.Customers), m.Pairs, time.Since(start).Round(time.Millisecond))
	return nil
}

func rankRollback(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "rank rollback", "", "Make the previous ranking model the active one again (the active one is deleted).")
	db := dbFlag(fs, e)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("rank rollback: unexpected argument %q", fs.Arg(0))
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return fmt.Errorf("rank rollback: %w", err)
	}
	defer s.Close()
	m, err := s.RollbackRankModel(ctx)
	if err != nil {
		return fmt.Errorf("rank rollback: %w", err)
	}
	fmt.Fprintf(e.stdout, "model %d (trained %s on %d events) is active again\n", m.ModelID, m.CreatedAt.Format(time.RFC3339), m.Events)
	return nil
}

func rankStatus(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "rank status", "", "Show the active and the previous ranking model.")
	db := dbFlag(fs, e)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("rank status: unexpected argument %q", fs.Arg(0))
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return fmt.Errorf("rank status: %w", err)
	}
	defer s.Close()
	for _, state := range []string{pursuit.ModelActive, pursuit.ModelPrevious} {
		rm, err := s.RankModel(ctx, state)
		if pursuit.ErrorCode(err) == pursuit.ENOTFOUND {
			fmt.Fprintf(e.stdout, "%s: none\n", state)
			continue
		}
		if err != nil {
			return fmt.Errorf("rank status: %w", err)
		}
		m, err := rank.FromStore(rm)
		if err != nil {
			return fmt.Errorf("rank status: %w", err)
		}
		fmt.Fprintf(e.stdout, "%s: model %d, trained %s on %d events, %d customers, %d pairs\n",
			state, rm.ModelID, rm.CreatedAt.Format(time.RFC3339), m.Events, len(m.Customers), m.Pairs)
	}
	return nil
}

// rankLoop keeps the server's ranker current: it loads the store's active
// model at once and on every reload tick (a model trained by another
// server or by pursuit rank train), and trains a new one on every train
// tick (nil: never). Ticks are channels so that tests drive them.
//
// Every server over one store ticks train on its own; a tick trains only
// when the active model is at least half of trainEvery old (0: always), so
// that the first server to tick trains and the others load its model
// instead of training one each.
func rankLoop(ctx context.Context, e *env, s pursuit.Store, rk *rank.Ranker, reload, train <-chan time.Time, trainEvery, retention time.Duration) {
	load := func() {
		changed, err := rk.Load(ctx, s)
		if err != nil {
			e.log.Error("rank: load model", "err", err)
			return
		}
		if changed {
			if m := rk.Model(); m != nil {
				e.log.Info("rank: model loaded", "model_id", m.ModelID, "events", m.Events, "customers", len(m.Customers))
			} else {
				e.log.Info("rank: no model; the engine's ranking")
			}
		}
	}
	load()
	for {
		select {
		case <-ctx.Done():
			return
		case <-reload:
			load()
		case tick := <-train:
			load()
			// The tick's own time (a ticker sends the wall clock) judges
			// the model's age, so that a tick is judged by when it fired.
			if m := rk.Model(); m != nil && tick.Sub(m.Trained) < trainEvery/2 {
				e.log.Info("rank: scheduled training skipped, the active model is recent", "model_id", m.ModelID, "trained", m.Trained)
				continue
			}
			m, pruned, err := trainModel(ctx, e, s, 1, retention)
			if err != nil {
				if ctx.Err() == nil {
					e.log.Error("rank: scheduled training", "err", err)
				}
				continue
			}
			e.log.Info("rank: model trained", "model_id", m.ModelID, "events", m.Events, "pruned", pruned, "pairs", m.Pairs)
			load()
		}
	}
}
