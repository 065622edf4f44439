package httpapi

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/crm"
	"github.com/pursuit-gov/pursuit/crmexport"
	"github.com/pursuit-gov/pursuit/search"
)

// MaxCRMExportContacts bounds a search export: the first this many
// contacts of the search, in its order.
const MaxCRMExportContacts = 50_000

func (s *Server) handleAdminCRMCoverage(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "customer_id")
	if err != nil {
		return err
	}
	return s.writeCoverage(w, r, cid)
}

func (s *Server) handleCRMCoverage(w http.ResponseWriter, r *http.Request) error {
	_, cid := customerOf(r)
	return s.writeCoverage(w, r, cid)
}

// writeCoverage answers a customer's coverage: its mapped accounts by
// state and its whitespace (granted places no account covers), listing up
// to whitespace_limit of them.
func (s *Server) writeCoverage(w http.ResponseWriter, r *http.Request, cid int64) error {
	p := newParams(r)
	p.only("whitespace_limit")
	limit := p.int64("whitespace_limit", 20)
	if p.err != nil {
		return p.err
	}
	if limit < 0 || limit > pursuit.MaxListLimit {
		return pursuit.FieldErrorf(pursuit.EINVALID, "whitespace_limit", "must be between 0 and %d", pursuit.MaxListLimit)
	}
	cov, err := crm.CoverageOf(r.Context(), s.store, cid, int(limit))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cov)
	return nil
}

func (s *Server) handleAdminCRMExport(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "customer_id")
	if err != nil {
		return err
	}
	return s.exportAccounts(w, r, cid)
}

func (s *Server) handleCRMExportAccounts(w http.ResponseWriter, r *http.Request) error {
	_, cid := customerOf(r)
	return s.exportAccounts(w, r, cid)
}

// exportAccounts writes the contacts of the customer's mapped accounts (or
// of the accounts listed) as a CRM import CSV: ?format=…&accounts=id,id.
func (s *Server) exportAccounts(w http.ResponseWriter, r *http.Request, cid int64) error {
	p := newParams(r)
	p.only("format", "accounts")
	format := p.str("format")
	ids := p.list("accounts")
	if p.err != nil {
		return p.err
	}
	f, err := crmexport.ParseFormat("format", format)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if _, err := s.store.GetCustomer(ctx, cid); err != nil {
		return err
	}
	// Write into a buffer first: an error after the first byte could no
	// longer be a JSON error.
	var buf bufferWriter
	if _, err := crm.ExportAccounts(ctx, s.store, cid, ids, f, &buf); err != nil {
		return err
	}
	return writeCSV(w, fmt.Sprintf("contacts-%s.csv", f), buf.b)
}

// handleCRMExportSearch writes the contacts of a contacts search as a CRM
// import CSV: GET /v1/crm/export/search?format=…&<search parameters>. The
// index masks what the customer sees masked; a contact the customer has
// revealed is written in full; each row carries the customer's CRM id of
// the contact's place.
func (s *Server) handleCRMExportSearch(w http.ResponseWriter, r *http.Request) error {
	_, cid := customerOf(r)
	q := r.URL.Query()
	format := q.Get("format")
	if len(q["format"]) != 1 {
		return pursuit.FieldErrorf(pursuit.EINVALID, "format", "give format once: one of %v", crmexport.Formats)
	}
	f, err := crmexport.ParseFormat("format", format)
	if err != nil {
		return err
	}
	q.Del("format")
	r2 := r.Clone(r.Context())
	r2.URL.RawQuery = q.Encode()
	req, err := searchRequest(r2, true)
	if err != nil {
		return err
	}
	if req.Cursor != "" || req.Facets {
		return pursuit.FieldErrorf(pursuit.EINVALID, "cursor", "an export reads the whole search; cursor and facets do not apply")
	}
	ix, err := s.searchIndex()
	if err != nil {
		return err
	}
	ctx := r.Context()
	mappings := map[int64]pursuit.CustomerMapping{}
	for opt := (pursuit.ListOptions{Limit: pursuit.MaxListLimit}); ; {
		ms, err := s.store.ListCustomerMappings(ctx, cid, opt)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if _, ok := mappings[m.PlaceID]; m.PlaceID != 0 && !ok {
				mappings[m.PlaceID] = m
			}
		}
		if len(ms) < opt.Limit {
			break
		}
		opt.After = ms[len(ms)-1].CustomerMappingID
	}
	revealed, err := crm.Revealed(ctx, s.store, cid)
	if err != nil {
		return err
	}
	var buf bufferWriter
	cw, err := crmexport.NewWriter(&buf, f)
	if err != nil {
		return err
	}
	req.Limit = search.MaxLimit
	n := 0
	for n < MaxCRMExportContacts {
		res, err := ix.SearchContacts(cid, req)
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			c := h.Contact
			masked := h.AccessType != pursuit.AccessFull
			if masked && revealed[c.ContactID] {
				full, err := s.store.GetContact(ctx, c.ContactID)
				if err != nil {
					return err
				}
				c, masked = full, false
			}
			m := mappings[c.PlaceID]
			row := crmexport.Row{Contact: c, PlaceName: h.PlaceName, StateAbbr: h.StateAbbr,
				ExternalCRMID: m.ExternalCRMID, AccountOwner: m.AccountOwner, Masked: masked}
			if err := cw.Write(&row); err != nil {
				return err
			}
			if n++; n == MaxCRMExportContacts {
				break
			}
		}
		if res.NextCursor == "" || len(res.Hits) == 0 {
			break
		}
		req.Cursor = res.NextCursor
	}
	if err := cw.Flush(); err != nil {
		return err
	}
	return writeCSV(w, fmt.Sprintf("contacts-%s.csv", f), buf.b)
}

// bufferWriter is an io.Writer into a byte slice.
type bufferWriter struct{ b []byte }

func (w *bufferWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// writeCSV sends a CSV file as an attachment.
func writeCSV(w http.ResponseWriter, name string, b []byte) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", url.PathEscape(name)))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b)
	return err
}
