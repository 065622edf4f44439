package crm

import (
	"context"
	"io"
	"sort"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/crmexport"
)

// ExportStore is what ExportAccounts reads. Every contact it returns goes
// through ContactAccess or PlaceAccess, the store's tenant scoping.
type ExportStore interface {
	ListCustomerMappings(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.CustomerMapping, error)
	GetPlace(ctx context.Context, id int64) (pursuit.Place, error)
	PlaceAccess(ctx context.Context, customerID, placeID int64) (string, error)
	ContactAccess(ctx context.Context, customerID, contactID int64) (string, error)
	ListContactsByPlace(ctx context.Context, placeID int64, opt pursuit.ListOptions) ([]pursuit.Contact, error)
	ListReveals(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.Reveal, error)
}

// Revealed returns the contacts the customer has revealed: their email and
// phone are the customer's to export in full.
func Revealed(ctx context.Context, s ExportStore, customerID int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for opt := (pursuit.ListOptions{Limit: pursuit.MaxListLimit}); ; {
		rs, err := s.ListReveals(ctx, customerID, opt)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			out[r.ContactID] = true
		}
		if len(rs) < opt.Limit {
			return out, nil
		}
		opt.After = rs[len(rs)-1].RevealID
	}
}

// ExportAccounts writes the contacts of the customer's mapped accounts as
// a CRM import file: all its place mappings, or only those whose
// external_crm_id is in ids (an id the customer has not mapped is
// ENOTFOUND, naming it). Each contact carries its account's
// external_crm_id and owner. Only contacts the customer is granted
// (through the place or the contact itself) are written, email and phone
// masked when its access is masked unless the customer revealed the
// contact. It returns the number of contacts written.
func ExportAccounts(ctx context.Context, s ExportStore, customerID int64, ids []string, f crmexport.Format, w io.Writer) (int, error) {
	cw, err := crmexport.NewWriter(w, f)
	if err != nil {
		return 0, err
	}
	byPlace := map[int64]pursuit.CustomerMapping{}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = false
	}
	for opt := (pursuit.ListOptions{Limit: pursuit.MaxListLimit}); ; {
		ms, err := s.ListCustomerMappings(ctx, customerID, opt)
		if err != nil {
			return 0, err
		}
		for _, m := range ms {
			if m.PlaceID == 0 {
				continue
			}
			if len(ids) > 0 {
				if _, ok := want[m.ExternalCRMID]; !ok {
					continue
				}
				want[m.ExternalCRMID] = true
			}
			if _, ok := byPlace[m.PlaceID]; !ok {
				byPlace[m.PlaceID] = m
			}
		}
		if len(ms) < opt.Limit {
			break
		}
		opt.After = ms[len(ms)-1].CustomerMappingID
	}
	for _, id := range ids {
		if !want[id] {
			return 0, pursuit.FieldErrorf(pursuit.ENOTFOUND, "accounts", "no account of this customer has external_crm_id %q mapped to a place", id)
		}
	}
	revealed, err := Revealed(ctx, s, customerID)
	if err != nil {
		return 0, err
	}
	places := make([]int64, 0, len(byPlace))
	for id := range byPlace {
		places = append(places, id)
	}
	sort.Slice(places, func(i, j int) bool { return places[i] < places[j] })
	n := 0
	for _, pid := range places {
		m := byPlace[pid]
		placeAccess, err := s.PlaceAccess(ctx, customerID, pid)
		if err != nil && pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
			return n, err
		}
		p, err := s.GetPlace(ctx, pid)
		if err != nil {
			return n, err
		}
		for opt := (pursuit.ListOptions{Limit: pursuit.MaxListLimit}); ; {
			cs, err := s.ListContactsByPlace(ctx, pid, opt)
			if err != nil {
				return n, err
			}
			for _, c := range cs {
				access := placeAccess
				if access != pursuit.AccessFull {
					a, err := s.ContactAccess(ctx, customerID, c.ContactID)
					switch {
					case err == nil:
						access = a
					case pursuit.ErrorCode(err) != pursuit.ENOTFOUND:
						return n, err
					}
				}
				if access == "" {
					continue // not granted: never written
				}
				if revealed[c.ContactID] {
					access = pursuit.AccessFull
				}
				row := crmexport.Row{Contact: c.Masked(access), PlaceName: p.Name, StateAbbr: p.StateAbbr, County: p.County,
					ExternalCRMID: m.ExternalCRMID, AccountOwner: m.AccountOwner, Masked: access != pursuit.AccessFull}
				if err := cw.Write(&row); err != nil {
					return n, err
				}
				n++
			}
			if len(cs) < opt.Limit {
				break
			}
			opt.After = cs[len(cs)-1].ContactID
		}
	}
	return n, cw.Flush()
}
