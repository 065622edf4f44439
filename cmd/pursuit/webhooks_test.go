package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/feed"
	"github.com/pursuit-gov/pursuit/sqlite"
)

// TestWebhooksAndChangesCommands drives the CLI: endpoint creation with
// the SSRF rule, listing, and the change feed with resumable cursors
// bound to their customer.
func TestWebhooksAndChangesCommands(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "p.db")
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	c := pursuit.Customer{Name: "Acme"}
	c2 := pursuit.Customer{Name: "Other"}
	p := pursuit.Place{Name: "Springfield", PlaceType: pursuit.PlaceTypeCounty, StateAbbr: "IL"}
	for _, err := range []error{s.CreateCustomer(ctx, &c), s.CreateCustomer(ctx, &c2), s.CreatePlace(ctx, &p)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: c.CustomerID, PlaceID: p.PlaceID, AccessType: pursuit.AccessMasked}); err != nil {
		t.Fatal(err)
	}
	cust := fmt.Sprint(c.CustomerID)
	if _, _, err := runCmd(t, "webhooks", "create", "--db", db, "--customer", cust, "--url", "http://127.0.0.1:9/hook"); err == nil || !strings.Contains(err.Error(), "private") {
		t.Fatalf("private URL accepted: %v", err)
	}
	out, _, err := runCmd(t, "webhooks", "create", "--db", db, "--customer", cust, "--url", "http://127.0.0.1:9/hook", "--allow-private", "--types", "contact.created")
	if err != nil || !strings.Contains(out, "whsec_") {
		t.Fatalf("create: %q, %v", out, err)
	}
	if out, _, err = runCmd(t, "webhooks", "list", "--db", db, "--customer", cust); err != nil || !strings.Contains(out, "127.0.0.1:9/hook") || strings.Contains(out, "whsec_") {
		t.Fatalf("list: %q, %v", out, err)
	}
	if out, _, err = runCmd(t, "changes", "--db", db, "--customer", cust); err != nil || out != "" {
		t.Fatalf("first changes (the feed starts now): %q, %v", out, err)
	}
	ct := pursuit.Contact{PlaceID: p.PlaceID, Name: "Jane Doe", Email: "jane@springfield.gov", Title: "Clerk"}
	if err := s.CreateContact(ctx, &ct); err != nil {
		t.Fatal(err)
	}
	out, _, err = runCmd(t, "changes", "--db", db, "--customer", cust)
	var line struct {
		Type   string          `json:"type"`
		Data   json.RawMessage `json:"data"`
		Cursor string          `json:"cursor"`
	}
	if err != nil || json.Unmarshal([]byte(out), &line) != nil || line.Type != pursuit.EventContactCreated || !strings.Contains(string(line.Data), "j•••@springfield.gov") {
		t.Fatalf("changes: %q, %v", out, err)
	}
	if out, _, err = runCmd(t, "changes", "--db", db, "--customer", cust, "--after", line.Cursor); err != nil || out != "" {
		t.Fatalf("changes after the cursor: %q, %v", out, err)
	}
	if _, _, err = runCmd(t, "changes", "--db", db, "--customer", fmt.Sprint(c2.CustomerID), "--after", line.Cursor); err == nil {
		t.Fatal("another customer's cursor was accepted")
	}
}

// TestWebhooksListen: the local receiver verifies signatures (401 for a
// bad one), marks a repeated webhook-id, and prints each message.
func TestWebhooksListen(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	secret := feed.NewSecret()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"webhooks", "listen", "--secret", secret, "--addr", addr}, func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(stderr.String(), "Listening") {
		if time.Now().After(deadline) {
			t.Fatalf("listen did not start: %s", stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	send := func(sec string) int {
		body := []byte(`{"type":"contact.created","timestamp":"2026-12-02T00:00:00Z","data":{}}`)
		now := time.Now()
		sig, err := feed.Sign("msg_7", now, body, sec)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("POST", "http://"+addr+"/", bytes.NewReader(body))
		req.Header.Set(feed.HeaderID, "msg_7")
		req.Header.Set(feed.HeaderTimestamp, fmt.Sprint(now.Unix()))
		req.Header.Set(feed.HeaderSignature, sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := send(secret); got != 200 {
		t.Fatalf("good signature: %d", got)
	}
	if got := send(secret); got != 200 {
		t.Fatalf("repeat: %d", got)
	}
	if got := send(feed.NewSecret()); got != 401 {
		t.Fatalf("bad signature: %d", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], `"duplicate":false`) || !strings.Contains(lines[1], `"duplicate":true`) || !strings.Contains(lines[2], `"verified":false`) {
		t.Fatalf("output:\n%s", stdout.String())
	}
}
