package httpapi

import (
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/rank"
	"github.com/pursuit-gov/pursuit/search"
)

// Learned ranking and engagement events (package rank, docs/ranking.md).
// A contacts search goes through the ranker: sort=relevance (the default)
// is the learned ranking when a model is loaded, sort=relevance_basic the
// engine's; explain=true adds each hit's largest contributions in words.
// The page shown is recorded as an impression (its id in the X-Search-Id
// header), and opening a contact or place or revealing a contact as an
// action, credited to the search given as search_id (and position), or
// else to the latest search that showed the contact. Recording is a
// channel send (rank.Recorder): it never slows a request.

// MaxMappingEvents bounds the crm_map events one bulk mapping request
// records, so that an import does not crowd searches out of the
// recorder's queue.
const MaxMappingEvents = 1000

// rankOptions reads the contacts search's sort and explain parameters.
func rankOptions(p *params) (rank.Options, error) {
	opt := rank.Options{Sort: p.str("sort")}
	if e := p.boolp("explain"); e != nil {
		opt.Explain = *e
	}
	if p.err != nil {
		return opt, p.err
	}
	if opt.Sort != "" && opt.Sort != rank.SortRelevance && opt.Sort != rank.SortBasic {
		return opt, pursuit.FieldErrorf(pursuit.EINVALID, "sort", "must be %s or %s, not %q", rank.SortRelevance, rank.SortBasic, opt.Sort)
	}
	return opt, nil
}

// explainedHit is a hit with its reasons, explainedResult a page of them.
type explainedHit struct {
	search.ContactHit
	Explain []rank.Reason `json:"explain"`
}

type explainedResult struct {
	Total      int                        `json:"total"`
	Hits       []explainedHit             `json:"hits"`
	Facets     map[string][]search.Bucket `json:"facets,omitempty"`
	NextCursor string                     `json:"next_cursor,omitempty"`
	// Ranking is "learned" or "basic".
	Ranking string `json:"ranking"`
}

// searchContactsRanked runs a contacts search through the ranker, records
// its impression and writes the page.
func (s *Server) searchContactsRanked(w http.ResponseWriter, r *http.Request, ix *search.Index, req search.Request, opt rank.Options) error {
	k, cid := customerOf(r)
	res, err := s.ranker.SearchContacts(ix, cid, req, opt)
	if err != nil {
		return err
	}
	if res.Hits == nil {
		res.Hits = []search.ContactHit{}
	}
	if s.recorder != nil && len(res.Hits) > 0 {
		if ev, err := rank.Impression(cid, 0, k.APIKeyID, req.Q, &res); err == nil {
			s.recorder.Record(ev)
			w.Header().Set("X-Search-Id", ev.SearchID)
		}
	}
	if !opt.Explain {
		writeContactResult(w, &res.ContactResult)
		return nil
	}
	out := explainedResult{Total: res.Total, Hits: make([]explainedHit, len(res.Hits)), Facets: res.Facets, NextCursor: res.NextCursor, Ranking: "basic"}
	if res.Learned {
		out.Ranking = "learned"
	}
	for i := range res.Hits {
		out.Hits[i] = explainedHit{ContactHit: res.Hits[i], Explain: res.Explain[i]}
		if out.Hits[i].Explain == nil {
			out.Hits[i].Explain = []rank.Reason{}
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// action is where a customer's action came from: the search id and the
// position of the contact in its hits, when the client says.
type action struct {
	searchID string
	position int
}

// actionParams reads the optional search_id and position parameters of a
// contact or place read and of a reveal.
func actionParams(r *http.Request) (action, error) {
	p := newParams(r)
	a := action{searchID: p.str("search_id"), position: int(p.int64("position", 0))}
	if p.err != nil {
		return a, p.err
	}
	if len(a.searchID) > pursuit.MaxEventSearchID {
		return a, pursuit.FieldErrorf(pursuit.EINVALID, "search_id", "must be at most %d bytes (the X-Search-Id of a search)", pursuit.MaxEventSearchID)
	}
	if a.position < 0 || a.position > search.MaxLimit*1000 {
		return a, pursuit.FieldErrorf(pursuit.EINVALID, "position", "must be a position in a search's hits, from 1")
	}
	return a, nil
}

// record records a customer's action on a contact or place it can see.
func (s *Server) record(r *http.Request, a action, kind string, contactID, placeID int64) {
	if s.recorder == nil {
		return
	}
	k, cid := customerOf(r)
	s.recorder.Record(pursuit.EngagementEvent{
		CustomerID: cid, APIKeyID: k.APIKeyID, Kind: kind, SearchID: a.searchID, Position: a.position,
		ContactID: contactID, PlaceID: placeID, CreatedAt: s.now(),
	})
}

// recordSavedSearch records the save_search event of a customer's new
// saved search: a search kept is engagement too.
func (s *Server) recordSavedSearch(r *http.Request, query string) {
	if s.recorder == nil {
		return
	}
	k, cid := customerOf(r)
	if len(query) > pursuit.MaxEventQuery {
		query = strings.ToValidUTF8(query[:pursuit.MaxEventQuery], "")
	}
	s.recorder.Record(pursuit.EngagementEvent{CustomerID: cid, APIKeyID: k.APIKeyID, Kind: pursuit.EventSaveSearch,
		Query: query, CreatedAt: s.now()})
}

// recordMappings records the crm_map events of a customer's new or
// changed mappings, at most MaxMappingEvents.
func (s *Server) recordMappings(customerID int64, rows []pursuit.CustomerMapping) {
	if s.recorder == nil {
		return
	}
	for _, m := range rows[:min(len(rows), MaxMappingEvents)] {
		s.recorder.Record(pursuit.EngagementEvent{CustomerID: customerID, Kind: pursuit.EventCRMMap,
			ContactID: m.ContactID, PlaceID: m.PlaceID, CreatedAt: s.now()})
	}
}

// recorderStats are the recorder's counters when it keeps them.
type recorderStats interface{ Stats() rank.RecorderStats }

// registerRankMetrics exports the recorder's counters and the loaded
// model's id.
func (s *Server) registerRankMetrics(reg *prometheus.Registry) {
	counter := func(name, help string, f func(rank.RecorderStats) int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 {
			if rs, ok := s.recorder.(recorderStats); ok {
				return float64(f(rs.Stats()))
			}
			return 0
		})
	}
	reg.MustRegister(
		counter("pursuit_events_recorded_total", "Engagement events written to the store.", func(st rank.RecorderStats) int64 { return st.Recorded }),
		counter("pursuit_events_dropped_total", "Engagement events dropped because the recorder's queue was full.", func(st rank.RecorderStats) int64 { return st.Dropped }),
		counter("pursuit_events_failed_total", "Engagement events the store refused or lost.", func(st rank.RecorderStats) int64 { return st.Failed + st.Invalid }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pursuit_rank_model_id", Help: "The id of the loaded ranking model, 0 for none."}, func() float64 {
			if m := s.ranker.Model(); m != nil {
				return float64(m.ModelID)
			}
			return 0
		}),
	)
}
