package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// MaxBulkRows is the most rows one bulk request may carry per list.
const MaxBulkRows = 50000

// bulkGrantsInput is the body of POST …/grants/bulk.
type bulkGrantsInput struct {
	PlaceGrants []struct {
		PlaceID    int64  `json:"place_id"`
		AccessType string `json:"access_type"`
	} `json:"place_grants"`
	ContactGrants []struct {
		ContactID  int64  `json:"contact_id"`
		AccessType string `json:"access_type"`
	} `json:"contact_grants"`
}

// BulkResult counts what a bulk request wrote.
type BulkResult struct {
	PlaceGrants   int `json:"place_grants"`
	ContactGrants int `json:"contact_grants"`
}

// rowErr prefixes a row's validation error with its position in the list,
// so that "place_grants[3].access_type" names the culprit.
func rowErr(list string, i int, err error) error {
	field := pursuit.ErrorField(err)
	name := fmt.Sprintf("%s[%d]", list, i)
	if field != "" {
		name += "." + field
	}
	code := pursuit.ErrorCode(err)
	if code == pursuit.EINTERNAL {
		return err
	}
	msg := pursuit.ErrorMessage(err)
	msg = strings.TrimPrefix(msg, field+": ")
	return pursuit.FieldErrorf(code, name, "%s", msg)
}

// handleBulkGrants creates or replaces many grants of one customer in one
// transaction: all of them are applied, or none.
func (s *Server) handleBulkGrants(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "customer_id")
	if err != nil {
		return err
	}
	var in bulkGrantsInput
	if err := decodeJSON(w, r, s.cfg.MaxBulkBodyBytes, &in); err != nil {
		return err
	}
	if len(in.PlaceGrants) > MaxBulkRows {
		return pursuit.FieldErrorf(pursuit.ETOOLARGE, "place_grants", "has %d rows, more than the limit of %d", len(in.PlaceGrants), MaxBulkRows)
	}
	if len(in.ContactGrants) > MaxBulkRows {
		return pursuit.FieldErrorf(pursuit.ETOOLARGE, "contact_grants", "has %d rows, more than the limit of %d", len(in.ContactGrants), MaxBulkRows)
	}
	if _, err := s.store.GetCustomer(r.Context(), cid); err != nil {
		return err
	}
	now := s.now().UTC()
	places := make([]pursuit.CustomerPlaceRelation, len(in.PlaceGrants))
	for i, g := range in.PlaceGrants {
		places[i] = pursuit.CustomerPlaceRelation{CustomerID: cid, PlaceID: g.PlaceID, AccessType: g.AccessType, GrantedAt: now}
		if err := places[i].Validate(); err != nil {
			return rowErr("place_grants", i, err)
		}
	}
	contacts := make([]pursuit.CustomerContactRelation, len(in.ContactGrants))
	for i, g := range in.ContactGrants {
		contacts[i] = pursuit.CustomerContactRelation{CustomerID: cid, ContactID: g.ContactID, AccessType: g.AccessType, GrantedAt: now}
		if err := contacts[i].Validate(); err != nil {
			return rowErr("contact_grants", i, err)
		}
	}
	err = s.store.Bulk(r.Context(), func(bw pursuit.BulkWriter) error {
		for i := 0; i < len(places); i += 5000 {
			if err := bw.UpsertPlaceGrants(r.Context(), places[i:min(i+5000, len(places))]); err != nil {
				return err
			}
		}
		for i := 0; i < len(contacts); i += 5000 {
			if err := bw.UpsertContactGrants(r.Context(), contacts[i:min(i+5000, len(contacts))]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.notify()
	writeJSON(w, http.StatusOK, BulkResult{PlaceGrants: len(places), ContactGrants: len(contacts)})
	return nil
}

// PlaceFilter selects places for a grant by filter. Every non-empty field
// must match; several values of one field match any of them.
type PlaceFilter struct {
	States        []string `json:"states"`
	PlaceTypes    []string `json:"place_types"`
	Counties      []string `json:"counties"`
	PopulationMin *int64   `json:"population_min"`
	PopulationMax *int64   `json:"population_max"`
	// Vendors and Categories match the place's tech_stack, ignoring case.
	Vendors    []string `json:"vendors"`
	Categories []string `json:"categories"`
}

func (f *PlaceFilter) empty() bool {
	return len(f.States) == 0 && len(f.PlaceTypes) == 0 && len(f.Counties) == 0 &&
		f.PopulationMin == nil && f.PopulationMax == nil && len(f.Vendors) == 0 && len(f.Categories) == 0
}

func (f *PlaceFilter) validate() error {
	if f.empty() {
		return pursuit.FieldErrorf(pursuit.EINVALID, "filter", "needs at least one condition (states, place_types, counties, population_min, population_max, vendors, categories)")
	}
	for i, st := range f.States {
		if !pursuit.ValidStateAbbr(st) {
			return pursuit.FieldErrorf(pursuit.EINVALID, fmt.Sprintf("filter.states[%d]", i), "unknown state %q: not the upper-case USPS code of a US state, DC or territory", st)
		}
	}
	for i, t := range f.PlaceTypes {
		if !pursuit.ValidPlaceType(t) {
			return pursuit.FieldErrorf(pursuit.EINVALID, fmt.Sprintf("filter.place_types[%d]", i), "%q is not one of %s", t, strings.Join(pursuit.PlaceTypes, ", "))
		}
	}
	return nil
}

func inFold(list []string, v string) bool {
	for _, s := range list {
		if strings.EqualFold(s, v) {
			return true
		}
	}
	return false
}

// matchPlaces returns the ids of the places that match f, read from the
// store (the system of record, so that a grant by filter does not depend on
// how far the index has caught up).
func matchPlaces(ctx context.Context, store pursuit.Store, f *PlaceFilter) ([]int64, error) {
	var tech map[int64]bool
	if len(f.Vendors) > 0 || len(f.Categories) > 0 {
		tech = make(map[int64]bool)
		err := store.ScanTechStack(ctx, func(t pursuit.TechStack) error {
			if (len(f.Vendors) == 0 || inFold(f.Vendors, t.Vendor)) && (len(f.Categories) == 0 || inFold(f.Categories, t.Category)) {
				tech[t.PlaceID] = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	var ids []int64
	err := store.ScanPlaces(ctx, func(p pursuit.Place) error {
		switch {
		case len(f.States) > 0 && !inFold(f.States, p.StateAbbr),
			len(f.PlaceTypes) > 0 && !inFold(f.PlaceTypes, p.PlaceType),
			len(f.Counties) > 0 && !inFold(f.Counties, p.County),
			f.PopulationMin != nil && p.Population < *f.PopulationMin,
			f.PopulationMax != nil && p.Population > *f.PopulationMax,
			tech != nil && !tech[p.PlaceID]:
			return nil
		}
		ids = append(ids, p.PlaceID)
		return nil
	})
	return ids, err
}

// grantByFilterInput is the body of POST …/grants/by-filter.
type grantByFilterInput struct {
	Filter     PlaceFilter `json:"filter"`
	AccessType string      `json:"access_type"`
	// DryRun counts the matching places without granting them.
	DryRun bool `json:"dry_run"`
}

// GrantByFilterResult reports a grant by filter.
type GrantByFilterResult struct {
	Matched int  `json:"matched"`
	Granted int  `json:"granted"`
	DryRun  bool `json:"dry_run"`
}

// handleGrantByFilter grants a customer every place that matches a filter
// ("every school district in TX"), in one transaction.
func (s *Server) handleGrantByFilter(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "customer_id")
	if err != nil {
		return err
	}
	var in grantByFilterInput
	if err := decodeJSON(w, r, s.cfg.MaxBodyBytes, &in); err != nil {
		return err
	}
	res, err := GrantByFilter(r.Context(), s.store, cid, in.Filter, in.AccessType, in.DryRun, s.now())
	if err != nil {
		return err
	}
	if res.Granted > 0 {
		s.notify()
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// GrantByFilter grants a customer every place that matches a filter, in
// one transaction, or with dryRun only counts them (the preview the web
// app's operator page shows before applying). The API's by-filter route
// and the web app share it.
func GrantByFilter(ctx context.Context, store pursuit.Store, cid int64, f PlaceFilter, access string, dryRun bool, now time.Time) (GrantByFilterResult, error) {
	if err := f.validate(); err != nil {
		return GrantByFilterResult{}, err
	}
	if access != pursuit.AccessFull && access != pursuit.AccessMasked {
		return GrantByFilterResult{}, pursuit.FieldErrorf(pursuit.EINVALID, "access_type", "must be %q or %q, not %q", pursuit.AccessFull, pursuit.AccessMasked, access)
	}
	if _, err := store.GetCustomer(ctx, cid); err != nil {
		return GrantByFilterResult{}, err
	}
	ids, err := matchPlaces(ctx, store, &f)
	if err != nil {
		return GrantByFilterResult{}, err
	}
	res := GrantByFilterResult{Matched: len(ids), DryRun: dryRun}
	if dryRun || len(ids) == 0 {
		return res, nil
	}
	now = now.UTC()
	err = store.Bulk(ctx, func(bw pursuit.BulkWriter) error {
		rows := make([]pursuit.CustomerPlaceRelation, 0, 5000)
		for i, id := range ids {
			rows = append(rows, pursuit.CustomerPlaceRelation{CustomerID: cid, PlaceID: id, AccessType: access, GrantedAt: now})
			if len(rows) == cap(rows) || i == len(ids)-1 {
				if err := bw.UpsertPlaceGrants(ctx, rows); err != nil {
					return err
				}
				rows = rows[:0]
			}
		}
		return nil
	})
	if err != nil {
		return GrantByFilterResult{}, err
	}
	res.Granted = len(ids)
	return res, nil
}

// mappingInput is one row of POST …/mappings/bulk.
type mappingInput struct {
	ExternalCRMID  string `json:"external_crm_id"`
	PlaceID        int64  `json:"place_id"`
	ContactID      int64  `json:"contact_id"`
	AccountOwner   string `json:"account_owner"`
	LastSyncedTime string `json:"last_synced_time"`
}

// MappingsResult counts what a bulk mapping upsert did.
type MappingsResult struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
}

func (s *Server) handleListMappings(w http.ResponseWriter, r *http.Request) error {
	return serveCustomerPage(w, r, s.store.ListCustomerMappings, func(m pursuit.CustomerMapping) int64 { return m.CustomerMappingID })
}

// handleBulkMappings upserts customer_mapping rows by their natural key
// (customer_id, external_crm_id): an existing mapping is updated, a new
// one created, all in one transaction. Every row is validated first; a
// row the store refuses (a place deleted meanwhile) fails the whole batch,
// and the error names the row.
func (s *Server) handleBulkMappings(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "customer_id")
	if err != nil {
		return err
	}
	var in struct {
		Mappings []mappingInput `json:"mappings"`
	}
	if err := decodeJSON(w, r, s.cfg.MaxBulkBodyBytes, &in); err != nil {
		return err
	}
	if len(in.Mappings) > MaxBulkRows {
		return pursuit.FieldErrorf(pursuit.ETOOLARGE, "mappings", "has %d rows, more than the limit of %d", len(in.Mappings), MaxBulkRows)
	}
	if _, err := s.store.GetCustomer(r.Context(), cid); err != nil {
		return err
	}
	rows := make([]pursuit.CustomerMapping, len(in.Mappings))
	seen := make(map[string]int, len(in.Mappings))
	for i, m := range in.Mappings {
		row := pursuit.CustomerMapping{CustomerID: cid, ExternalCRMID: m.ExternalCRMID, PlaceID: m.PlaceID,
			ContactID: m.ContactID, AccountOwner: m.AccountOwner}
		if m.LastSyncedTime != "" {
			t, err := parseTime(m.LastSyncedTime)
			if err != nil {
				return pursuit.FieldErrorf(pursuit.EINVALID, fmt.Sprintf("mappings[%d].last_synced_time", i), "%q is not an RFC 3339 time", m.LastSyncedTime)
			}
			row.LastSyncedTime = t
		}
		if err := row.Validate(); err != nil {
			return rowErr("mappings", i, err)
		}
		if j, dup := seen[m.ExternalCRMID]; dup {
			return pursuit.FieldErrorf(pursuit.EINVALID, fmt.Sprintf("mappings[%d].external_crm_id", i), "%q repeats mappings[%d]", m.ExternalCRMID, j)
		}
		seen[m.ExternalCRMID] = i
		rows[i] = row
	}
	var res MappingsResult
	res.Created, res.Updated, err = s.store.UpsertCustomerMappingsByCRMID(r.Context(), cid, rows)
	if err != nil {
		var re *pursuit.RowError
		if errors.As(err, &re) {
			return rowErr("mappings", re.Row, re.Err)
		}
		return err
	}
	s.notify()
	s.recordMappings(cid, rows)
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) handleDeleteMapping(w http.ResponseWriter, r *http.Request) error {
	return s.serveDelete(w, r, "customer_mapping_id", s.store.DeleteCustomerMapping)
}
