package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/rank"
	"github.com/pursuit-gov/pursuit/search"
	"github.com/pursuit-gov/pursuit/web"
)

// rankedServer is the web app and the HTTP API over one store and one
// index, sharing one ranker and one recorder, as pursuit serve runs them.
type rankedServer struct {
	ix     *search.Index
	web    *httptest.Server
	api    *httptest.Server
	ranker *rank.Ranker
	rec    *rank.AsyncRecorder
}

func newRankedServer(t testing.TB, s pursuit.Store, opt rank.RecorderOptions, run bool) *rankedServer {
	t.Helper()
	cctx, cancel := context.WithCancel(ctx)
	ix, err := search.Build(cctx, s, search.Options{PollInterval: 10 * time.Millisecond})
	must(t, err)
	var done []chan struct{}
	goDone := func(f func()) {
		d := make(chan struct{})
		done = append(done, d)
		go func() { defer close(d); f() }()
	}
	goDone(func() { ix.Follow(cctx) })
	rs := &rankedServer{ix: ix, ranker: rank.NewRanker(0, nil), rec: rank.NewAsyncRecorder(s, opt)}
	if run {
		goDone(func() { rs.rec.Run(cctx) })
	}
	app, err := web.NewServer(web.Config{Store: s, Index: func() *search.Index { return ix }, Ranker: rs.ranker, Recorder: rs.rec})
	must(t, err)
	api := httpapi.NewServer(httpapi.Config{Store: s, Index: ix, RateLimit: -1, Ranker: rs.ranker, Recorder: rs.rec})
	rs.web, rs.api = httptest.NewServer(app), httptest.NewServer(api)
	t.Cleanup(func() {
		rs.web.Close()
		rs.api.Close()
		cancel()
		for _, d := range done {
			<-d
		}
	})
	return rs
}

// flush waits until every event recorded so far is in the store.
func (rs *rankedServer) flush(t testing.TB) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	must(t, rs.rec.Flush(c))
}

// events returns a customer's events, oldest first.
func events(t testing.TB, s pursuit.Store, customerID int64) []pursuit.EngagementEvent {
	t.Helper()
	evs, err := s.ListEvents(ctx, customerID, pursuit.ListOptions{Limit: pursuit.MaxListLimit})
	must(t, err)
	return evs
}

// resultLink is a search result's contact link.
type resultLink struct {
	id   int64
	path string // /contacts/ID?…
	q    url.Values
}

var resultRE = regexp.MustCompile(`<td><a href="(/contacts/(\d+)(?:\?([^"]*))?)">`)

// results returns the contact links of a search page's rows, in order.
func results(t testing.TB, body string) []resultLink {
	t.Helper()
	var out []resultLink
	for _, m := range resultRE.FindAllStringSubmatch(body, -1) {
		id, _ := strconv.ParseInt(m[2], 10, 64)
		q, err := url.ParseQuery(html.UnescapeString(m[3]))
		must(t, err)
		out = append(out, resultLink{id: id, path: html.UnescapeString(m[1]), q: q})
	}
	return out
}

func ids(ls []resultLink) []int64 {
	out := make([]int64, len(ls))
	for i, l := range ls {
		out[i] = l.id
	}
	return out
}

var searchIDRE = regexp.MustCompile(`name="search_id" value="([0-9a-f]+)" form="addform"`)

// TestEngagementEvents: on both stores, each action in the web app writes
// exactly the events it should, for the right customer and user, naming
// the search that led to it; bad origins are errors naming the parameter
// and record nothing; another customer's rows record nothing.
func TestEngagementEvents(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		w := newWorld(t, s)
		rs := newRankedServer(t, s, rank.RecorderOptions{}, true)
		c := newClient(t, rs.web.URL)
		c.signIn(w.userA.Email, w.password)

		// A search page is one impression: the query, the user, the hits
		// shown at their positions; its rows' links name it.
		page := c.do("GET", "/search?q=director", nil)
		if page.status != 200 {
			t.Fatalf("search: %d", page.status)
		}
		rows := results(t, page.body)
		m := searchIDRE.FindStringSubmatch(page.body)
		if len(rows) < 5 || m == nil {
			t.Fatalf("%d rows, search id %v", len(rows), m)
		}
		sid := m[1]
		for i, l := range rows {
			if l.q.Get("search_id") != sid || l.q.Get("position") != strconv.Itoa(i+1) || l.q.Get("q") != "director" {
				t.Fatalf("row %d's link %s does not name the search", i+1, l.path)
			}
		}
		rs.flush(t)
		evs := events(t, s, w.a.CustomerID)
		if len(evs) != 1 || evs[0].Kind != pursuit.EventImpression || evs[0].SearchID != sid || evs[0].Query != "director" ||
			evs[0].UserID != w.userA.UserID || evs[0].APIKeyID != 0 {
			t.Fatalf("after a search: %+v", evs)
		}
		var items []rank.Item
		must(t, json.Unmarshal([]byte(evs[0].Items), &items))
		if len(items) != len(rows) {
			t.Fatalf("impression logs %d items, page shows %d", len(items), len(rows))
		}
		for i, it := range items {
			if it.ContactID != rows[i].id || it.Pos != i+1 {
				t.Fatalf("impression item %d: contact %d at %d, page shows %d", i, it.ContactID, it.Pos, rows[i].id)
			}
		}

		// Open a result, its place, reveal a masked contact, add two
		// results to a list, export the search.
		open := rows[1]
		ct, err := s.GetContact(ctx, open.id)
		must(t, err)
		cp := c.do("GET", open.path, nil)
		if cp.status != 200 {
			t.Fatalf("open %s: %d", open.path, cp.status)
		}
		placeLink := fmt.Sprintf("/places/%d?position=3&q=director&search_id=%s", w.tx[1].PlaceID, sid)
		if r := c.do("GET", placeLink, nil); r.status != 200 {
			t.Fatalf("open place: %d", r.status)
		}
		masked := fmt.Sprintf("/contacts/%d?position=4&q=director&search_id=%s", w.maskedID, sid)
		mp := c.do("GET", masked, nil)
		if !strings.Contains(mp.body, fmt.Sprintf(`action="/contacts/%d/reveal?position=4&amp;q=director&amp;search_id=%s"`, w.maskedID, sid)) {
			t.Fatalf("the reveal form does not carry the search:\n%s", mp.body)
		}
		if r := c.do("POST", fmt.Sprintf("/contacts/%d/reveal?position=4&q=director&search_id=%s", w.maskedID, sid), url.Values{"csrf": {csrf(t, mp.body)}}); r.status != http.StatusSeeOther {
			t.Fatalf("reveal: %d\n%s", r.status, r.body)
		}
		tok := csrf(t, page.body)
		add := url.Values{"csrf": {tok}, "new_list": {"Leads"}, "search_id": {sid}, "q": {"director"},
			"contact_id": {strconv.FormatInt(rows[0].id, 10), strconv.FormatInt(rows[2].id, 10)},
			"position_" + strconv.FormatInt(rows[0].id, 10): {"1"}, "position_" + strconv.FormatInt(rows[2].id, 10): {"3"}}
		if r := c.do("POST", "/lists/add", add); r.status != http.StatusSeeOther {
			t.Fatalf("add to list: %d\n%s", r.status, r.body)
		}
		exp := c.do("GET", "/export/download?search=q%3Ddirector&format=salesforce_contact&search_id="+sid+"&q=director", nil)
		if exp.status != 200 {
			t.Fatalf("export: %d\n%s", exp.status, exp.body)
		}
		exported := strings.Count(strings.TrimSpace(exp.body), "\n") // rows after the header
		if !strings.Contains(page.body, `name="search_id" value="`+sid+`" form="save-form"`) {
			t.Fatalf("the save form does not name the search")
		}
		if r := c.do("POST", "/saved", url.Values{"csrf": {tok}, "name": {"Directors"}, "query": {"q=director&state=TX"}, "search_id": {sid}}); r.status != http.StatusSeeOther {
			t.Fatalf("save search: %d\n%s", r.status, r.body)
		}
		if exported < 5 {
			t.Fatalf("export has %d rows", exported)
		}

		// Bad origins are errors naming the parameter; another customer's
		// rows are 404s. Neither records anything.
		for _, p := range []string{
			fmt.Sprintf("/contacts/%d?position=first", w.fullID),
			fmt.Sprintf("/contacts/%d?search_id=%s", w.fullID, url.QueryEscape("<x>")),
			fmt.Sprintf("/places/%d?position=-2", w.tx[0].PlaceID),
		} {
			r := c.do("GET", p, nil)
			name := "position"
			if strings.Contains(p, "search_id") {
				name = "search_id"
			}
			if r.status != 400 || !strings.Contains(r.body, name) {
				t.Errorf("%s: %d, want 400 naming %s", p, r.status, name)
			}
		}
		for _, p := range []string{fmt.Sprintf("/contacts/%d?search_id=%s", w.bContact, sid), fmt.Sprintf("/places/%d", w.bPlace.PlaceID)} {
			if r := c.do("GET", p, nil); r.status != 404 {
				t.Errorf("%s: %d", p, r.status)
			}
		}
		add = url.Values{"csrf": {tok}, "new_list": {"Theirs"}, "search_id": {sid}, "contact_id": {strconv.FormatInt(w.bContact, 10)}}
		if r := c.do("POST", "/lists/add", add); r.status != http.StatusNotFound {
			t.Fatalf("add B's contact: %d", r.status)
		}

		rs.flush(t)
		evs = events(t, s, w.a.CustomerID)
		type ev struct {
			kind             string
			contact, place   int64
			position         int
			searchID, query  string
			customer, userID int64
		}
		want := []ev{
			{pursuit.EventImpression, 0, 0, 0, sid, "director", 0, 0},
			{pursuit.EventOpenContact, open.id, ct.PlaceID, 2, sid, "director", 0, 0},
			{pursuit.EventOpenPlace, 0, w.tx[1].PlaceID, 3, sid, "director", 0, 0},
			{pursuit.EventOpenContact, w.maskedID, w.nm[0].PlaceID, 4, sid, "director", 0, 0},
			{pursuit.EventReveal, w.maskedID, w.nm[0].PlaceID, 4, sid, "director", 0, 0},
			{pursuit.EventListAdd, rows[0].id, 0, 1, sid, "director", 0, 0},
			{pursuit.EventListAdd, rows[2].id, 0, 3, sid, "director", 0, 0},
		}
		want = append(want, ev{pursuit.EventSaveSearch, 0, 0, 0, sid, "q=director&state=TX", 0, 0})
		if len(evs) != len(want)+exported {
			t.Fatalf("%d events, want %d + %d exports", len(evs), len(want), exported)
		}
		var got []ev
		for i, e := range evs {
			if e.CustomerID != w.a.CustomerID || e.UserID != w.userA.UserID || e.APIKeyID != 0 {
				t.Errorf("event %d: customer %d user %d key %d", i, e.CustomerID, e.UserID, e.APIKeyID)
			}
			got = append(got, ev{e.Kind, e.ContactID, e.PlaceID, e.Position, e.SearchID, e.Query, 0, 0})
		}
		if got[0].kind != want[0].kind {
			t.Fatalf("first event %+v", got[0])
		}
		got[0].contact, got[0].place = 0, 0
		// After the list adds, one export per exported row, then the
		// saved search.
		for i, e := range got[len(want)-1 : len(got)-1] {
			if e.kind != pursuit.EventExport || e.contact == 0 || e.place == 0 || e.searchID != sid || e.query != "director" {
				t.Errorf("export event %d: %+v", i, e)
			}
		}
		got = append(got[:len(want)-1:len(want)-1], got[len(got)-1])
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("event %d: %+v, want %+v", i, got[i], want[i])
			}
		}
		if n := len(events(t, s, w.b.CustomerID)); n != 0 {
			t.Errorf("customer B has %d events", n)
		}
		if st := rs.rec.Stats(); st.Dropped != 0 || st.Invalid != 0 || st.Failed != 0 {
			t.Errorf("recorder: %+v", st)
		}
	})
}

// TestRecordingNeverFailsAPage: with the recorder's queue full and no one
// writing, every page still answers, and the events are dropped and
// counted.
func TestRecordingNeverFailsAPage(t *testing.T) {
	t.Parallel()
	s := testdb.SQLite(t)
	w := newWorld(t, s)
	rs := newRankedServer(t, s, rank.RecorderOptions{Queue: 1}, false)
	c := newClient(t, rs.web.URL)
	c.signIn(w.userA.Email, w.password)
	for _, p := range []string{"/search?q=director", "/search?q=clerk", fmt.Sprintf("/contacts/%d", w.fullID), fmt.Sprintf("/places/%d", w.tx[0].PlaceID)} {
		if r := c.do("GET", p, nil); r.status != 200 {
			t.Fatalf("%s: %d", p, r.status)
		}
	}
	if st := rs.rec.Stats(); st.Dropped != 3 {
		t.Fatalf("recorder: %+v, want 3 dropped", st)
	}
}

// engage runs the search q as the client n times and adds the hits in
// the state want to a list from each page (list_add events crediting that
// search), as a team that sells there would.
func engage(t *testing.T, s pursuit.Store, c *client, q, want string, n int) {
	t.Helper()
	for i := range n {
		page := c.do("GET", "/search?q="+url.QueryEscape(q), nil)
		m := searchIDRE.FindStringSubmatch(page.body)
		if m == nil {
			t.Fatalf("no search id on the page")
		}
		add := url.Values{"csrf": {csrf(t, page.body)}, "new_list": {fmt.Sprint("Leads ", i)}, "search_id": {m[1]}, "q": {q}}
		for i, l := range results(t, page.body) {
			if stateOf(t, s, l.id) == want {
				id := strconv.FormatInt(l.id, 10)
				add["contact_id"] = append(add["contact_id"], id)
				add["position_"+id] = []string{strconv.Itoa(i + 1)}
			}
		}
		if r := c.do("POST", "/lists/add", add); r.status != http.StatusSeeOther {
			t.Fatalf("add to list: %d", r.status)
		}
	}
}

// apiIDs returns the contact ids of an API search's page, in order.
func apiIDs(t testing.TB, base, key, query string) []int64 {
	t.Helper()
	return apiPage(t, base, key, query).ids
}

// TestLearnedRankingInWeb: on both stores, a model trained on customer A's
// engagement in the web app (through the store, as pursuit rank train
// does) moves the contacts A engages with up on the web search page, in
// exactly the API's order for the same query; sort=relevance_basic is the
// engine's order in both; each row says why; paging through the learned
// order shows every match once; customer B (no events) keeps the engine's
// ranking, and A's events name only A.
func TestLearnedRankingInWeb(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		w := newWorld(t, s)
		rs := newRankedServer(t, s, rank.RecorderOptions{}, true)
		c := newClient(t, rs.web.URL)
		c.signIn(w.userA.Email, w.password)
		cb := newClient(t, rs.web.URL)
		cb.signIn(w.userB.Email, w.password)
		keyA, keyB := apiKey(t, s, w.a.CustomerID), apiKey(t, s, w.b.CustomerID)

		const q = "director"
		webIDs := func(c *client, query string) []int64 {
			t.Helper()
			r := c.do("GET", "/search?"+query, nil)
			if r.status != 200 {
				t.Fatalf("search %s: %d", query, r.status)
			}
			return ids(results(t, r.body))
		}
		basicA := webIDs(c, "q="+q+"&sort=relevance_basic")
		basicB := webIDs(cb, "q="+q+"&sort=relevance_basic")
		// Without a model, best match is the engine's order.
		if got := webIDs(c, "q="+q); !slices.Equal(got, basicA) {
			t.Fatalf("no model: best match %v, basic %v", got, basicA)
		}
		// B searches too; A then credits B's search id to its own action:
		// it lands in A's events, and B's stay B's own.
		pb := cb.do("GET", "/search?q="+q, nil)
		sidB := searchIDRE.FindStringSubmatch(pb.body)[1]
		if r := c.do("GET", fmt.Sprintf("/contacts/%d?search_id=%s&position=1", w.fullID, sidB), nil); r.status != 200 {
			t.Fatalf("open with B's search id: %d", r.status)
		}

		engage(t, s, c, q, "NM", 6)
		rs.flush(t)
		for _, e := range events(t, s, w.b.CustomerID) {
			if e.CustomerID != w.b.CustomerID || e.UserID != w.userB.UserID || e.Kind != pursuit.EventImpression {
				t.Fatalf("B's events hold %+v", e)
			}
		}
		for _, e := range events(t, s, w.a.CustomerID) {
			if e.UserID != w.userA.UserID || e.ContactID == w.bContact || e.PlaceID == w.bPlace.PlaceID {
				t.Fatalf("A's events hold %+v", e)
			}
		}
		m, err := rank.Train(ctx, s, rank.TrainOptions{Seed: 1})
		must(t, err)
		b, err := m.Encode()
		must(t, err)
		must(t, s.PutRankModel(ctx, &pursuit.RankModel{Events: m.Events, Body: b}))
		if _, err := rs.ranker.Load(ctx, s); err != nil {
			t.Fatal(err)
		}

		// A's best match: the web page is the API's page, and not the
		// engine's; the contacts A engaged with moved up.
		learnedA := webIDs(c, "q="+q)
		if api := apiIDs(t, rs.api.URL, keyA, "q="+q+"&limit=25"); !slices.Equal(learnedA, api) {
			t.Fatalf("web order %v, API order %v", learnedA, api)
		}
		if api := apiIDs(t, rs.api.URL, keyA, "q="+q+"&limit=25&sort=relevance_basic"); !slices.Equal(basicA, api) {
			t.Fatalf("basic: web order %v, API order %v", basicA, api)
		}
		if slices.Equal(learnedA, basicA) {
			t.Fatalf("the model did not change A's order")
		}
		if got := webIDs(c, "q="+q+"&sort=relevance_basic"); !slices.Equal(got, basicA) {
			t.Fatalf("relevance_basic with a model: %v, want the engine's %v", got, basicA)
		}
		meanPos := func(order []int64) float64 {
			sum, n := 0.0, 0
			for i, id := range order {
				if stateOf(t, s, id) == "NM" {
					sum += float64(i + 1)
					n++
				}
			}
			if n == 0 {
				t.Fatalf("no NM contact on the page")
			}
			return sum / float64(n)
		}
		if l, e := meanPos(learnedA), meanPos(basicA); l >= e {
			t.Errorf("NM contacts at mean position %.1f learned, %.1f engine", l, e)
		}
		// Each row says why, in words, and the page says it is learned.
		page := c.do("GET", "/search?q="+q, nil)
		if n := strings.Count(page.body, `<details class="why"><summary>why?</summary>`); n != len(learnedA) {
			t.Errorf("%d why? disclosures for %d rows", n, len(learnedA))
		}
		if !strings.Contains(page.body, "your team") || !strings.Contains(page.body, "ranked for your team") {
			t.Errorf("no learned reason on the page")
		}
		if !strings.Contains(page.body, `<option value="relevance_basic" >`) && !strings.Contains(page.body, `<option value="relevance_basic">`) {
			t.Errorf("no sort control")
		}
		basicPage := c.do("GET", "/search?q="+q+"&sort=relevance_basic", nil)
		if !strings.Contains(basicPage.body, `<option value="relevance_basic" selected>`) || strings.Contains(basicPage.body, "ranked for your team") {
			t.Errorf("the basic page does not show its sort")
		}
		// A bad sort is the search page's 400 naming it.
		for _, bad := range []string{"&sort=newest", "&sort=relevance&sort=relevance_basic"} {
			if r := c.do("GET", "/search?q="+q+bad, nil); r.status != 400 || !strings.Contains(r.body, "<strong>sort:</strong>") {
				t.Errorf("bad sort %s: %d", bad, r.status)
			}
		}

		// Paging through the learned order (page size 5): every match
		// once, the pages the API's, Previous the page before, and the
		// sort kept in the links.
		total, err := rs.ix.SearchContacts(w.a.CustomerID, search.Request{Q: q, Limit: 1})
		must(t, err)
		var all []int64
		next, apiCursor := "/search?q="+q+"&limit=5", ""
		var pages [][]int64
		for next != "" {
			r := c.do("GET", next, nil)
			got := ids(results(t, r.body))
			apiQ := "q=" + q + "&limit=5"
			if apiCursor != "" {
				apiQ += "&cursor=" + url.QueryEscape(apiCursor)
			}
			if api := apiPage(t, rs.api.URL, keyA, apiQ); !slices.Equal(got, api.ids) {
				t.Fatalf("page %d: web %v, API %v", len(pages)+1, got, api.ids)
			} else {
				apiCursor = api.next
			}
			pages = append(pages, got)
			all = append(all, got...)
			next = ""
			if mm := regexp.MustCompile(`href="([^"]+)" id="next"`).FindStringSubmatch(r.body); mm != nil {
				next = html.UnescapeString(mm[1])
			}
			if len(pages) == 2 {
				prev := regexp.MustCompile(`href="([^"]+)" id="prev"`).FindStringSubmatch(r.body)
				if prev == nil || !slices.Equal(ids(results(t, c.do("GET", html.UnescapeString(prev[1]), nil).body)), pages[0]) {
					t.Fatalf("Previous from page 2 is not page 1")
				}
			}
			if len(pages) > 50 {
				t.Fatal("paging does not end")
			}
		}
		if len(all) != total.Total || len(all) != len(slices.Compact(slices.Sorted(slices.Values(all)))) {
			t.Fatalf("paging showed %d hits (%d distinct), total %d", len(all), len(slices.Compact(slices.Sorted(slices.Values(all)))), total.Total)
		}
		if !slices.Equal(all[:len(learnedA)], learnedA) {
			t.Fatalf("pages of 5 are not the learned order of the page of 25")
		}

		// B never engaged: A's events and A's part of the model leave B's
		// ranking the engine's, on the web page and in the API.
		if got := webIDs(cb, "q="+q); !slices.Equal(got, basicB) {
			t.Fatalf("B's order changed: %v, engine %v", got, basicB)
		}
		if api := apiIDs(t, rs.api.URL, keyB, "q="+q+"&limit=25"); !slices.Equal(api, basicB) {
			t.Fatalf("B's API order %v, engine %v", api, basicB)
		}
	})
}

type apiResult struct {
	ids  []int64
	next string
}

func apiPage(t testing.TB, base, key, query string) apiResult {
	t.Helper()
	req, err := http.NewRequest("GET", base+"/v1/contacts/search?"+query, nil)
	must(t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	r, err := http.DefaultClient.Do(req)
	must(t, err)
	defer r.Body.Close()
	var res struct {
		Hits []struct {
			Contact pursuit.Contact `json:"contact"`
		} `json:"hits"`
		NextCursor string `json:"next_cursor"`
	}
	if r.StatusCode != 200 {
		t.Fatalf("API search %s: %d", query, r.StatusCode)
	}
	must(t, json.NewDecoder(r.Body).Decode(&res))
	out := apiResult{next: res.NextCursor}
	for _, h := range res.Hits {
		out.ids = append(out.ids, h.Contact.ContactID)
	}
	return out
}

// apiKey stores a customer API key and returns it.
func apiKey(t testing.TB, s pursuit.Store, customerID int64) string {
	t.Helper()
	k, key, err := httpapi.NewAPIKey(pursuit.RoleCustomer, customerID, "test", time.Now())
	must(t, err)
	must(t, s.CreateAPIKey(ctx, &k))
	return key
}

// stateOf returns the state of a contact's place.
func stateOf(t testing.TB, s pursuit.Store, contactID int64) string {
	t.Helper()
	ct, err := s.GetContact(ctx, contactID)
	must(t, err)
	p, err := s.GetPlace(ctx, ct.PlaceID)
	must(t, err)
	return p.StateAbbr
}
