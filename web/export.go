package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/crmexport"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/search"
)

// An export is a list or a search as a CRM import file (crmexport), of at
// most MaxExportRows contacts. Rows come masked from the index or the
// store, as on every page; a contact the customer revealed is exported in
// full. The export page says all this, with the counts, before anything
// is downloaded.

// exportSource is what an export writes: a list or a search.
type exportSource struct {
	ListID int64
	List   pursuit.List
	Search string // a saved-search style query
}

func (s *Server) exportSourceOf(r *http.Request, v *viewer) (exportSource, error) {
	q := r.URL.Query()
	var src exportSource
	if l := q.Get("list"); l != "" {
		id, err := strconv.ParseInt(l, 10, 64)
		if err != nil || id <= 0 {
			return src, pursuit.Errorf(pursuit.ENOTFOUND, "no list %q", l)
		}
		list, err := s.store.GetList(r.Context(), v.customerID(), id)
		if err != nil {
			return src, err
		}
		src.ListID, src.List = id, list
		return src, nil
	}
	query, err := httpapi.CheckSavedQuery(q.Get("search"))
	if err != nil {
		return src, err
	}
	src.Search = query
	return src, nil
}

// exportRows gathers the rows of an export, up to MaxExportRows, and
// reports whether there were more.
func (s *Server) exportRows(r *http.Request, v *viewer, src exportSource) ([]crmexport.Row, bool, error) {
	ctx := r.Context()
	cid := v.customerID()
	pc := newPlaceCache(s, cid)
	var out []crmexport.Row
	if src.ListID != 0 {
		rows, _, err := s.listRows(r, v, src.ListID, MaxExportRows+1)
		if err != nil {
			return nil, false, err
		}
		more := len(rows) > MaxExportRows
		rows = rows[:min(len(rows), MaxExportRows)]
		for _, row := range rows {
			c, err := s.store.GetContact(ctx, row.ID)
			if err != nil {
				return nil, false, err
			}
			c.Email, c.Phone = row.Email, row.Phone // as shown: masked unless full or revealed
			er, err := pc.row(ctx, c, row.Masked)
			if err != nil {
				return nil, false, err
			}
			out = append(out, er)
		}
		return out, more, nil
	}
	ix, err := s.index()
	if err != nil {
		return nil, false, err
	}
	req, err := httpapi.ParseContactSearch(src.Search)
	if err != nil {
		return nil, false, err
	}
	req.Limit = search.MaxLimit
	for {
		res, err := ix.SearchContacts(cid, req)
		if err != nil {
			return nil, false, err
		}
		rows, err := s.rows(r, v, res.Hits)
		if err != nil {
			return nil, false, err
		}
		for i, row := range rows {
			if len(out) == MaxExportRows {
				return out, true, nil
			}
			c := res.Hits[i].Contact
			c.Email, c.Phone = row.Email, row.Phone
			er, err := pc.row(ctx, c, row.Masked)
			if err != nil {
				return nil, false, err
			}
			out = append(out, er)
		}
		if res.NextCursor == "" {
			return out, false, nil
		}
		req.Cursor = res.NextCursor
	}
}

// placeCache reads each place and the customer's mapping of it once per
// export.
type placeCache struct {
	s      *Server
	cid    int64
	places map[int64]pursuit.Place
	maps   map[int64]pursuit.CustomerMapping
}

func newPlaceCache(s *Server, cid int64) *placeCache {
	return &placeCache{s: s, cid: cid, places: map[int64]pursuit.Place{}, maps: map[int64]pursuit.CustomerMapping{}}
}

func (pc *placeCache) row(ctx context.Context, c pursuit.Contact, masked bool) (crmexport.Row, error) {
	p, ok := pc.places[c.PlaceID]
	if !ok {
		var err error
		if p, err = pc.s.store.GetPlace(ctx, c.PlaceID); err != nil {
			return crmexport.Row{}, err
		}
		pc.places[c.PlaceID] = p
		ms, err := pc.s.store.ListCustomerMappingsOfPlace(ctx, pc.cid, c.PlaceID)
		if err != nil {
			return crmexport.Row{}, err
		}
		for _, m := range ms {
			if m.PlaceID == c.PlaceID {
				pc.maps[c.PlaceID] = m
				break
			}
		}
	}
	m := pc.maps[c.PlaceID]
	return crmexport.Row{Contact: c, PlaceName: p.Name, StateAbbr: p.StateAbbr, County: p.County,
		ExternalCRMID: m.ExternalCRMID, AccountOwner: m.AccountOwner, Masked: masked}, nil
}

type exportView struct {
	Source  exportSource
	Title   string
	Rows    int
	Masked  int
	More    bool
	Limit   int
	Formats []exportFormat
	Query   string
	// Origin is the search the export came from (ranking.go), carried on
	// to the download, which records each exported contact.
	Origin origin
}

type exportFormat struct {
	Value, Label string
	Checked      bool
}

var formatLabels = map[crmexport.Format]string{
	crmexport.SalesforceContact: "Salesforce – Contacts",
	crmexport.SalesforceLead:    "Salesforce – Leads",
	crmexport.HubSpotContact:    "HubSpot – Contacts",
}

// exportPage says what an export will hold — how many rows, how many
// masked — before it runs.
func (s *Server) exportPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	src, err := s.exportSourceOf(r, v)
	if err != nil {
		return err
	}
	o, err := originOf(r)
	if err != nil {
		return err
	}
	rows, more, err := s.exportRows(r, v, src)
	if err != nil {
		return err
	}
	view := exportView{Source: src, Rows: len(rows), More: more, Limit: MaxExportRows, Origin: o}
	for _, row := range rows {
		if row.Masked {
			view.Masked++
		}
	}
	if src.ListID != 0 {
		view.Title = fmt.Sprintf("list %q", src.List.Name)
		view.Query = "list=" + strconv.FormatInt(src.ListID, 10)
	} else {
		view.Title = "this search"
		view.Query = "search=" + urlEscape(src.Search)
	}
	for i, f := range crmexport.Formats {
		view.Formats = append(view.Formats, exportFormat{Value: string(f), Label: formatLabels[f], Checked: i == 0})
	}
	s.render(w, r, http.StatusOK, "export", page{Title: "Export", Nav: "lists", Data: view})
	return nil
}

// exportDownload writes the CSV file.
func (s *Server) exportDownload(w http.ResponseWriter, r *http.Request, v *viewer) error {
	src, err := s.exportSourceOf(r, v)
	if err != nil {
		return err
	}
	f, err := crmexport.ParseFormat("format", r.URL.Query().Get("format"))
	if err != nil {
		return err
	}
	o, err := originOf(r)
	if err != nil {
		return err
	}
	rows, _, err := s.exportRows(r, v, src)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw, err := crmexport.NewWriter(&buf, f)
	if err != nil {
		return err
	}
	for i := range rows {
		if err := cw.Write(&rows[i]); err != nil {
			return err
		}
	}
	if err := cw.Flush(); err != nil {
		return err
	}
	name := "pursuit-search"
	if src.ListID != 0 {
		name = "pursuit-list-" + strconv.FormatInt(src.ListID, 10)
	}
	// Each exported contact is an export event (the rows are what the
	// customer can see: its list's or its search's).
	for i := range rows {
		s.record(v, o, pursuit.EventExport, rows[i].Contact.ContactID, rows[i].Contact.PlaceID)
	}
	s.log.Info("export", "customer_id", v.customerID(), "user_id", v.User.UserID, "rows", len(rows), "format", f)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.csv"`, name, strings.ReplaceAll(string(f), "_", "-")))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
	return nil
}
