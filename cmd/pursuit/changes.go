package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/feed"
)

// changeLine is one line of `pursuit changes`: an event and the cursor
// that resumes after it.
type changeLine struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	Timestamp time.Time       `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
	Cursor    string          `json:"cursor"`
}

func runChanges(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "changes", "",
		"Print a customer's change feed (the events of GET /v1/changes) as JSON lines, each with the cursor\n"+
			"that resumes after it. It derives new events itself when no server is dispatching (safe next to\n"+
			"one: only one step stores each range of the change log).")
	db := dbFlag(fs, e)
	customer := fs.Int64("customer", 0, "the customer `ID` whose feed to print")
	after := fs.String("after", "", "resume after this `cursor`")
	follow := fs.Bool("follow", false, "keep printing new events until interrupted")
	limit := fs.Int("limit", 1000, "events per read")
	poll := fs.Duration("poll", 500*time.Millisecond, "with --follow, how often to look for new events")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("changes: unexpected argument %q", fs.Arg(0))
	case *customer <= 0:
		return usageErrorf("changes: --customer ID is required (a positive customer id)")
	case *limit < 1 || *limit > pursuit.MaxListLimit:
		return fmt.Errorf("changes: --limit %d: must be 1 to %d", *limit, pursuit.MaxListLimit)
	case *poll <= 0:
		return fmt.Errorf("changes: --poll %s: must be positive", *poll)
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return fmt.Errorf("changes: %w", err)
	}
	defer s.Close()
	if _, err := s.GetCustomer(ctx, *customer); err != nil {
		return fmt.Errorf("changes: --customer %d: %w", *customer, err)
	}
	secret, err := s.Secret(ctx, pursuit.SecretFeedCursor, 32)
	if err != nil {
		return fmt.Errorf("changes: %w", err)
	}
	cursors, err := feed.NewCursors(secret)
	if err != nil {
		return fmt.Errorf("changes: %w", err)
	}
	var pos int64
	if *after != "" {
		if pos, err = cursors.Open(*customer, *after); err != nil {
			return fmt.Errorf("changes: --after: %w", err)
		}
	}
	d := feed.New(feed.Config{Store: s, Log: e.log})
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	for {
		for {
			n, err := d.Derive(ctx)
			if err != nil {
				return fmt.Errorf("changes: derive events: %w", err)
			}
			if n == 0 {
				break
			}
		}
		for {
			events, err := s.FeedEvents(ctx, *customer, pos, *limit)
			if err != nil {
				return fmt.Errorf("changes: %w", err)
			}
			for _, ev := range events {
				pos = ev.EventID
				if err := enc.Encode(changeLine{pursuit.MessageID(ev.EventID), ev.Type, ev.CreatedAt, ev.Data, cursors.Seal(*customer, pos)}); err != nil {
					return err
				}
			}
			if len(events) < *limit {
				break
			}
		}
		if !*follow {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(*poll):
		}
	}
}
