package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/rank"
)

// withRanking gives the server a ranker and a running recorder.
func withRanking(t *testing.T, s pursuit.Store, rk *rank.Ranker) (serverOption, *rank.AsyncRecorder) {
	rec := rank.NewAsyncRecorder(s, rank.RecorderOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { rec.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return func(c *httpapi.Config) { c.Ranker, c.Recorder = rk, rec }, rec
}

type rankedPage struct {
	Total int `json:"total"`
	Hits  []struct {
		Contact    pursuit.Contact `json:"contact"`
		AccessType string          `json:"access_type"`
		Explain    []rank.Reason   `json:"explain"`
	} `json:"hits"`
	NextCursor string `json:"next_cursor"`
	Ranking    string `json:"ranking"`
}

// TestTenantIsolationEvents: each customer's searches, opens and reveals
// are recorded under that customer alone, only for rows it can see (a
// 404 records nothing), and a model trained on every customer's events
// reorders each one's results without adding, dropping or unmasking any,
// with explanations that hold nothing it may not see.
func TestTenantIsolationEvents(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		ctx := t.Context()
		rng := rand.New(rand.NewPCG(16, 3))
		w := buildIsoWorld(t, s, rng)
		rk := rank.NewRanker(0, nil)
		opt, rec := withRanking(t, s, rk)
		ts := newTestServer(t, s, opt)
		keys := map[int64]string{}
		for _, c := range w.customers {
			keys[c] = ts.createKey(pursuit.RoleCustomer, c)
		}
		searchIDs := map[int64]map[string]bool{}
		for round := range 60 {
			c := w.customers[rng.IntN(len(w.customers))]
			q := isoWords[rng.IntN(len(isoWords))]
			res := ts.do("GET", "/v1/contacts/search?limit=10&q="+url.QueryEscape(q), keys[c], nil)
			if res.status != 200 {
				t.Fatalf("search: %d %s", res.status, res.body)
			}
			var page rankedPage
			res.decode(t, &page)
			sid := res.header.Get("X-Search-Id")
			if len(page.Hits) > 0 {
				if sid == "" {
					t.Fatal("no X-Search-Id")
				}
				if searchIDs[c] == nil {
					searchIDs[c] = map[string]bool{}
				}
				searchIDs[c][sid] = true
			}
			for i, h := range page.Hits {
				if rng.IntN(3) == 0 {
					path := fmt.Sprintf("/v1/contacts/%d?search_id=%s&position=%d", h.Contact.ContactID, sid, i+1)
					if r := ts.do("GET", path, keys[c], nil); r.status != 200 {
						t.Fatalf("open: %d %s", r.status, r.body)
					}
				}
			}
			// Rows the customer cannot see answer 404 and record nothing.
			other := w.contacts[rng.IntN(len(w.contacts))]
			r := ts.do("GET", fmt.Sprintf("/v1/contacts/%d", other.ContactID), keys[c], nil)
			if (r.status == 200) != (w.access[c][other.ContactID] != "") {
				t.Fatalf("round %d: open of contact %d: %d", round, other.ContactID, r.status)
			}
			if rng.IntN(4) == 0 {
				ts.do("POST", fmt.Sprintf("/v1/contacts/%d/reveal", other.ContactID), keys[c], nil)
			}
		}
		if err := rec.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if st := rec.Stats(); st.Recorded == 0 || st.Dropped+st.Failed+st.Invalid != 0 {
			t.Fatalf("recorder: %+v", st)
		}
		for _, c := range w.customers {
			evs, err := s.ListEvents(ctx, c, pursuit.ListOptions{Limit: pursuit.MaxListLimit})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evs {
				if e.CustomerID != c {
					t.Fatalf("customer %d lists an event of %d", c, e.CustomerID)
				}
				if e.ContactID != 0 && w.access[c][e.ContactID] == "" {
					t.Fatalf("customer %d has a %s event of contact %d it cannot see", c, e.Kind, e.ContactID)
				}
				if e.SearchID != "" && !searchIDs[c][e.SearchID] {
					t.Fatalf("customer %d has an event of search %q, not one of its own", c, e.SearchID)
				}
				if e.Kind == pursuit.EventImpression {
					var items []rank.Item
					if err := json.Unmarshal([]byte(e.Items), &items); err != nil {
						t.Fatal(err)
					}
					for _, it := range items {
						if w.access[c][it.ContactID] == "" {
							t.Fatalf("customer %d's impression logs contact %d it cannot see", c, it.ContactID)
						}
					}
				}
			}
		}

		// A model trained on everyone's events reorders each customer's
		// own results only.
		m, err := rank.Train(ctx, s, rank.TrainOptions{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		rk.SetModel(m)
		for _, c := range w.customers {
			for _, q := range isoWords {
				base := "/v1/contacts/search?limit=1000&q=" + url.QueryEscape(q)
				var basic, learned rankedPage
				ts.do("GET", base+"&sort=relevance_basic", keys[c], nil).decode(t, &basic)
				res := ts.do("GET", base+"&explain=true", keys[c], nil)
				res.decode(t, &learned)
				if learned.Ranking != "learned" || learned.Total != basic.Total || len(learned.Hits) != len(basic.Hits) {
					t.Fatalf("customer %d %q: %s ranking, total %d vs %d", c, q, learned.Ranking, learned.Total, basic.Total)
				}
				var a, b []int64
				for i := range basic.Hits {
					a = append(a, basic.Hits[i].Contact.ContactID)
					h := learned.Hits[i]
					b = append(b, h.Contact.ContactID)
					want := w.access[c][h.Contact.ContactID]
					orig := w.contacts[h.Contact.ContactID-1].Masked(want)
					if want == "" || h.AccessType != want || h.Contact.Email != orig.Email || h.Contact.Phone != orig.Phone {
						t.Fatalf("customer %d: learned hit %d access %q, store says %q", c, h.Contact.ContactID, h.AccessType, want)
					}
				}
				slices.Sort(a)
				slices.Sort(b)
				if !slices.Equal(a, b) {
					t.Fatalf("customer %d %q: learned ranking changed the hits", c, q)
				}
				for _, k := range w.contacts {
					if w.access[c][k.ContactID] != pursuit.AccessFull && k.Email != "" && strings.Contains(string(res.body), k.Email) {
						t.Fatalf("customer %d: %s in an explained page", c, k.Email)
					}
				}
			}
		}
	})
}

func TestSearchRankingParameters(t *testing.T) {
	t.Parallel()
	s := testdb.SQLite(t)
	f := seed(t, s)
	opt, _ := withRanking(t, s, rank.NewRanker(0, nil))
	ts := newTestServer(t, s, opt)
	key := ts.createKey(pursuit.RoleCustomer, f.acme.CustomerID)
	for _, c := range []struct{ path, field string }{
		{"/v1/contacts/search?q=director&sort=newest", "sort"},
		{"/v1/contacts/search?q=director&explain=maybe", "explain"},
		{"/v1/contacts/search?q=director&sort=relevance&sort=relevance_basic", "sort"},
		{"/v1/contacts/1?search_id=" + strings.Repeat("a", 65), "search_id"},
		{"/v1/contacts/1?position=-2", "position"},
		{"/v1/contacts/1?position=x", "position"},
		{"/v1/places/1?search_id=" + strings.Repeat("b", 65), "search_id"},
	} {
		r := ts.do("GET", c.path, key, nil)
		if r.status != 400 || r.apiError(t).Field != c.field {
			t.Fatalf("%s: %d %s", c.path, r.status, r.body)
		}
	}
	r := ts.do("GET", "/v1/contacts/search?q=director&explain=true&sort=relevance_basic", key, nil)
	var page rankedPage
	r.decode(t, &page)
	if r.status != 200 || page.Ranking != "basic" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	for _, h := range page.Hits {
		if len(h.Explain) == 0 {
			t.Fatalf("hit %d without explanation: %s", h.Contact.ContactID, r.body)
		}
	}
}

// TestSavedSearchEvent: a saved search created through the API is one
// save_search event of its customer and key, with its query; a refused
// one records nothing.
func TestSavedSearchEvent(t *testing.T) {
	t.Parallel()
	s := testdb.SQLite(t)
	f := seed(t, s)
	opt, rec := withRanking(t, s, rank.NewRanker(0, nil))
	ts := newTestServer(t, s, opt)
	key := ts.createKey(pursuit.RoleCustomer, f.acme.CustomerID)
	if r := ts.do("POST", "/v1/saved-searches", key, map[string]string{"name": "TX", "query": "q=director&state=TX"}); r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	if r := ts.do("POST", "/v1/saved-searches", key, map[string]string{"name": "bad", "query": "q=director&sort=newest"}); r.status != 400 {
		t.Fatalf("bad query: %d %s", r.status, r.body)
	}
	if err := rec.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	evs, err := s.ListEvents(t.Context(), f.acme.CustomerID, pursuit.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Kind != pursuit.EventSaveSearch || evs[0].Query != "q=director&state=TX" || evs[0].APIKeyID == 0 {
		t.Fatalf("events: %+v", evs)
	}
}
