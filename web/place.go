package web

import (
	"net/http"
	"slices"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/titles"
)

// placeView is the data of the place page.
type placeView struct {
	Place    pursuit.Place
	Access   string
	Tech     []pursuit.TechStack
	Mappings []pursuit.CustomerMapping
	Groups   []contactGroup
	Contacts int
	More     bool
}

// contactGroup is the contacts of one function.
type contactGroup struct {
	Function string
	Rows     []contactRow
}

// placeContactsLimit bounds the contacts one place page lists.
const placeContactsLimit = 500

func (s *Server) placePage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "place_id")
	if err != nil {
		return err
	}
	o, err := originOf(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	cid := v.customerID()
	placeAccess, err := s.store.PlaceAccess(ctx, cid, id)
	if err != nil {
		return err
	}
	p, err := s.store.GetPlace(ctx, id)
	if err != nil {
		return err
	}
	view := placeView{Place: p, Access: placeAccess}
	cs, err := s.store.ListContactsByPlace(ctx, id, pursuit.ListOptions{Limit: placeContactsLimit})
	if err != nil {
		return err
	}
	view.More = len(cs) == placeContactsLimit
	access := make(map[int64]string, len(cs))
	var masked []int64
	for _, c := range cs {
		a := placeAccess
		if a != pursuit.AccessFull {
			// A contact grant may make a contact of a masked place full.
			if ca, err := s.store.ContactAccess(ctx, cid, c.ContactID); err == nil {
				a = ca
			} else if pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
				return err
			}
		}
		access[c.ContactID] = a
		if a != pursuit.AccessFull {
			masked = append(masked, c.ContactID)
		}
	}
	revealed, err := s.store.RevealedContacts(ctx, cid, masked)
	if err != nil {
		return err
	}
	byFn := map[string][]contactRow{}
	for _, c := range cs {
		f, sen := titles.Classify(c.Title, c.Department)
		shown := c
		if !revealed[c.ContactID] {
			shown = c.Masked(access[c.ContactID])
		}
		byFn[f] = append(byFn[f], contactRow{
			ID: c.ContactID, Name: c.Name, Title: c.Title, Department: c.Department, PlaceID: p.PlaceID, PlaceName: p.Name,
			StateAbbr: p.StateAbbr, Email: shown.Email, Phone: shown.Phone,
			Masked: access[c.ContactID] != pursuit.AccessFull && !revealed[c.ContactID], Revealed: revealed[c.ContactID],
			Function: f, Seniority: sen, VerifiedAt: fmtDate(c.VerifiedAt), Link: o.SearchSuffix(),
		})
	}
	view.Contacts = len(cs)
	for _, f := range titles.Functions {
		if rows := byFn[f]; len(rows) > 0 {
			view.Groups = append(view.Groups, contactGroup{Function: f, Rows: rows})
		}
	}
	if view.Tech, err = s.store.ListTechStackByPlace(ctx, id); err != nil {
		return err
	}
	slices.SortFunc(view.Tech, func(a, b pursuit.TechStack) int {
		if a.Category != b.Category {
			if a.Category < b.Category {
				return -1
			}
			return 1
		}
		if a.Vendor < b.Vendor {
			return -1
		}
		return 1
	})
	ms, err := s.store.ListCustomerMappingsOfPlace(ctx, cid, id)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.PlaceID == id {
			view.Mappings = append(view.Mappings, m)
		}
	}
	s.record(v, o, pursuit.EventOpenPlace, 0, id)
	s.render(w, r, http.StatusOK, "place", page{Title: p.Name, Nav: "search", Data: view})
	return nil
}
