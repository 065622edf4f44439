package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/rank"
	"github.com/pursuit-gov/pursuit/search"
)

// Learned ranking and engagement events in the web app (docs/ranking.md).
// The search page ranks through the same rank.Ranker as the API
// (sort=relevance, the default, is the learned ranking when a model is
// loaded; sort=relevance_basic the engine's) and shows each hit's reasons
// in a "why?" disclosure. Every page of hits shown is recorded as an
// impression, and opening a contact or place, revealing, adding to a list
// and exporting as actions, through the same rank.Recorder as the API: a
// channel send that never blocks (a full queue drops and counts). The
// result links carry the impression's search id, the hit's position and
// the query (search_id, position, q), so an action names the search that
// led to it.

// origin is where an action came from: the search (its id and text) and
// the contact's position in its hits; zero when it came from none.
type origin struct {
	SearchID string
	Position int
	Query    string
}

// maxPosition bounds a position a link may carry.
const maxPosition = search.MaxLimit * 1000

// originOf reads search_id, position and q from the URL query (and, for a
// form post, the form). A value that is not what the pages put there is
// an error naming the parameter.
func originOf(r *http.Request) (origin, error) {
	var o origin
	vals := r.URL.Query()
	if r.Method == http.MethodPost {
		if err := r.ParseForm(); err != nil {
			return o, pursuit.FieldErrorf(pursuit.EINVALID, "form", "could not be read")
		}
		vals = r.Form
	}
	o.SearchID = vals.Get("search_id")
	if len(o.SearchID) > pursuit.MaxEventSearchID || strings.IndexFunc(o.SearchID, notHex) >= 0 {
		return o, pursuit.FieldErrorf(pursuit.EINVALID, "search_id", "is not the id of a search")
	}
	if p := vals.Get("position"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > maxPosition {
			return o, pursuit.FieldErrorf(pursuit.EINVALID, "position", "must be a position in a search's results, from 1")
		}
		o.Position = n
	}
	o.Query = vals.Get("q")
	if len(o.Query) > pursuit.MaxEventQuery {
		return o, pursuit.FieldErrorf(pursuit.ETOOLARGE, "q", "is longer than %d bytes", pursuit.MaxEventQuery)
	}
	return o, nil
}

func notHex(r rune) bool { return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') }

// values returns the origin's parameters, without position when at is
// false.
func (o origin) values(at bool) url.Values {
	v := url.Values{}
	if o.SearchID != "" {
		v.Set("search_id", o.SearchID)
	}
	if at && o.Position > 0 {
		v.Set("position", strconv.Itoa(o.Position))
	}
	if o.Query != "" {
		v.Set("q", o.Query)
	}
	return v
}

// Suffix is the origin as a URL query ("?search_id=…&position=…&q=…"),
// "" when there is none.
func (o origin) Suffix() string { return querySuffix(o.values(true)) }

// SearchSuffix is Suffix without the position: for links from a contact
// to other rows.
func (o origin) SearchSuffix() string { return querySuffix(o.values(false)) }

// andSearch is the origin's search as more parameters ("&search_id=…&q=…").
func (o origin) andSearch() string {
	if v := o.values(false); len(v) > 0 {
		return "&" + v.Encode()
	}
	return ""
}

func querySuffix(v url.Values) string {
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// record records an action of the viewer's through the recorder (nothing
// when the app has none). Callers record only contacts and places the
// customer can see.
func (s *Server) record(v *viewer, o origin, kind string, contactID, placeID int64) {
	if s.rec == nil {
		return
	}
	s.rec.Record(pursuit.EngagementEvent{
		CustomerID: v.customerID(), UserID: v.User.UserID, Kind: kind,
		SearchID: o.SearchID, Query: o.Query, Position: o.Position,
		ContactID: contactID, PlaceID: placeID, CreatedAt: s.now(),
	})
}

// truncateQuery cuts a query to what an event keeps.
func truncateQuery(q string) string {
	if len(q) > pursuit.MaxEventQuery {
		q = strings.ToValidUTF8(q[:pursuit.MaxEventQuery], "")
	}
	return q
}

// takeSort removes the sort parameter (which the API's search parser does
// not know: it is the ranking's, not the search's) from the search's API
// query and returns it, checked. Values keep it, so the page's links and
// the sort control keep it too.
func (q *searchQuery) takeSort() (string, error) {
	var keep []string
	sort, seen := "", false
	for pair := range strings.SplitSeq(q.API, "&") {
		name, value, _ := strings.Cut(pair, "=")
		if name != "sort" {
			keep = append(keep, pair)
			continue
		}
		v, err := url.QueryUnescape(value)
		if err != nil || v != rank.SortRelevance && v != rank.SortBasic {
			return "", pursuit.FieldErrorf(pursuit.EINVALID, "sort", "must be %s (best match) or %s (relevance, basic)", rank.SortRelevance, rank.SortBasic)
		}
		if seen {
			return "", pursuit.FieldErrorf(pursuit.EINVALID, "sort", "is given more than once")
		}
		sort, seen = v, true
	}
	q.API = strings.Join(keep, "&")
	return sort, nil
}

// sortOptions are the search page's sort control.
var sortOptions = []struct{ Value, Label string }{
	{"", "Best match (learned)"},
	{rank.SortBasic, "Relevance (basic)"},
}

// rankedSearch runs the search page's search through the ranker with the
// reasons of each hit, and records the page as an impression. offset is
// how many hits the pages before this one showed. It returns the result
// and the impression's origin ("" search id when nothing was recorded).
func (s *Server) rankedSearch(v *viewer, ix *search.Index, req search.Request, sort string, offset int) (rank.Result, origin, error) {
	res, err := s.ranker.SearchContacts(ix, v.customerID(), req, rank.Options{Sort: sort, Explain: true})
	if err != nil {
		return res, origin{}, err
	}
	// The page's positions in the whole listing: the engine's cursors
	// after the re-ranked window do not say how far in they are.
	for i := range res.Items {
		res.Items[i].Pos = offset + i + 1
	}
	o := origin{Query: req.Q}
	if s.rec != nil && len(res.Hits) > 0 {
		if ev, err := rank.Impression(v.customerID(), v.User.UserID, 0, req.Q, &res); err == nil {
			s.rec.Record(ev)
			o.SearchID, o.Query = ev.SearchID, ev.Query
		}
	}
	return res, o, nil
}

// annotate gives the search page's rows their links' origin and their
// reasons.
func annotate(rows []contactRow, res *rank.Result, o origin, offset int) {
	for i := range rows {
		at := o
		at.Position = offset + i + 1
		rows[i].Link = at.Suffix()
		rows[i].Pos = at.Position
		if i < len(res.Explain) {
			for _, r := range res.Explain[i] {
				rows[i].Why = append(rows[i].Why, r.Text)
			}
		}
	}
}

// MaxListAddEvents bounds the list_add events one request records, so
// that a large add does not crowd searches out of the recorder's queue.
const MaxListAddEvents = 1000

// listAddOrigin reads the origin of a list add: the search, and each
// ticked contact's position in it (position_ID, which the search page
// puts next to each row's checkbox).
func listAddOrigin(r *http.Request, ids []int64) (origin, map[int64]int, error) {
	o, err := originOf(r)
	if err != nil {
		return o, nil, err
	}
	at := map[int64]int{}
	for _, id := range ids[:min(len(ids), MaxListAddEvents)] {
		name := "position_" + strconv.FormatInt(id, 10)
		p := r.PostForm.Get(name)
		if p == "" {
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > maxPosition {
			return o, nil, pursuit.FieldErrorf(pursuit.EINVALID, name, "must be a position in a search's results, from 1")
		}
		at[id] = n
	}
	return o, at, nil
}

// recordListAdds records a list_add of each contact added that the
// customer can see (the store took only those), at most
// MaxListAddEvents. Training reads a contact's place from the impression
// that showed it, so the event names none.
func (s *Server) recordListAdds(ctx context.Context, v *viewer, o origin, ids []int64, at map[int64]int) error {
	if s.rec == nil {
		return nil
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] || len(seen) == MaxListAddEvents {
			continue
		}
		seen[id] = true
		_, err := s.store.ContactAccess(ctx, v.customerID(), id)
		if pursuit.ErrorCode(err) == pursuit.ENOTFOUND {
			continue
		}
		if err != nil {
			return err
		}
		oc := o
		oc.Position = at[id]
		s.record(v, oc, pursuit.EventListAdd, id, 0)
	}
	return nil
}
