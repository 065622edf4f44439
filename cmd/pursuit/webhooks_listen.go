package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/pursuit-gov/pursuit/feed"
)

// webhooksListen is `pursuit webhooks listen`: a local receiver that
// verifies each message's Standard Webhooks signature, prints it, notes
// repeats of a webhook-id (receivers de-duplicate by it), and optionally
// forwards verified messages to a local URL — the way `stripe listen`
// lets a developer see events before wiring a CRM.
func webhooksListen(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "webhooks listen", "",
		"Receive webhooks on --addr, verify their signatures with --secret and print them, one JSON line each.\n"+
			"Answers 200 to a verified message (or the forward target's status) and 401 to one that fails.")
	secret := fs.String("secret", "", "the endpoint's signing secret (`whsec_…`)")
	addr := fs.String("addr", "127.0.0.1:8787", "address to listen on")
	forward := fs.String("forward", "", "forward verified messages, with their headers, to this `URL`")
	tolerance := fs.Duration("tolerance", feed.DefaultTolerance, "largest accepted difference between webhook-timestamp and now")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("webhooks listen: unexpected argument %q", fs.Arg(0))
	}
	if _, err := feed.Sign("x", time.Now(), nil, *secret); err != nil {
		return fmt.Errorf("webhooks listen: --secret: %w", err)
	}
	if err := checkAddr(*addr); err != nil {
		return fmt.Errorf("webhooks listen: --addr %q: %w", *addr, err)
	}
	var fwd *url.URL
	if *forward != "" {
		u, err := url.Parse(*forward)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("webhooks listen: --forward %q is not an http(s) URL", *forward)
		}
		fwd = u
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("webhooks listen: %w", err)
	}
	var mu sync.Mutex
	seen := map[string]bool{}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	client := &http.Client{Timeout: 15 * time.Second}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
		if err != nil {
			http.Error(w, "read body", http.StatusBadRequest)
			return
		}
		line := map[string]any{"received_at": time.Now().UTC().Format(time.RFC3339Nano), "webhook_id": r.Header.Get(feed.HeaderID)}
		status := http.StatusOK
		if verr := feed.Verify(*secret, r.Header, body, time.Now(), *tolerance); verr != nil {
			line["verified"], line["error"], status = false, verr.Error(), http.StatusUnauthorized
		} else {
			line["verified"] = true
			mu.Lock()
			line["duplicate"] = seen[r.Header.Get(feed.HeaderID)]
			seen[r.Header.Get(feed.HeaderID)] = true
			mu.Unlock()
			if fwd != nil {
				req, _ := http.NewRequestWithContext(r.Context(), http.MethodPost, fwd.String(), bytes.NewReader(body))
				for _, k := range []string{"Content-Type", feed.HeaderID, feed.HeaderTimestamp, feed.HeaderSignature} {
					req.Header.Set(k, r.Header.Get(k))
				}
				if resp, err := client.Do(req); err != nil {
					line["forward_error"], status = err.Error(), http.StatusBadGateway
				} else {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					line["forward_status"], status = resp.StatusCode, resp.StatusCode
				}
			}
		}
		var event any
		if json.Unmarshal(body, &event) == nil {
			line["event"] = event
		} else {
			line["body"] = string(body)
		}
		mu.Lock()
		enc.Encode(line)
		mu.Unlock()
		w.WriteHeader(status)
	})
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	fmt.Fprintf(e.stderr, "Listening for webhooks on http://%s/ (Ctrl-C to stop)\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
		return nil
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("webhooks listen: %w", err)
	}
}
