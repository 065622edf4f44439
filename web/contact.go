package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/titles"
)

// contactView is the data of the contact page.
type contactView struct {
	Row         contactRow
	Contact     pursuit.Contact
	Place       pursuit.Place
	Access      string
	Credits     int64
	Lists       []pursuit.List
	RevealError string
	// Origin is the search that led here (ranking.go); the page's forms
	// and links carry it on.
	Origin origin
}

// pathID reads a positive integer path parameter; anything else is the
// same 404 as a row that does not exist.
func pathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, pursuit.Errorf(pursuit.ENOTFOUND, "no %s %q", name, r.PathValue(name))
	}
	return n, nil
}

// visibleContact reads a contact the customer may see through the store's
// ContactAccess, masked as that access requires unless the customer has
// revealed it. Anything else is ENOTFOUND, the same as a missing id.
func (s *Server) visibleContact(ctx context.Context, cid, id int64) (contactView, error) {
	var cv contactView
	access, err := s.store.ContactAccess(ctx, cid, id)
	if err != nil {
		return cv, err
	}
	c, err := s.store.GetContact(ctx, id)
	if err != nil {
		return cv, err
	}
	p, err := s.store.GetPlace(ctx, c.PlaceID)
	if err != nil {
		return cv, err
	}
	revealed := false
	if access != pursuit.AccessFull {
		rv, err := s.store.RevealedContacts(ctx, cid, []int64{id})
		if err != nil {
			return cv, err
		}
		revealed = rv[id]
	}
	shown := c
	if !revealed {
		shown = c.Masked(access)
	}
	f, sen := titles.Classify(c.Title, c.Department)
	cv = contactView{Contact: shown, Place: p, Access: access, Row: contactRow{
		ID: c.ContactID, Name: c.Name, Title: c.Title, Department: c.Department, PlaceID: p.PlaceID, PlaceName: p.Name,
		StateAbbr: p.StateAbbr, Email: shown.Email, Phone: shown.Phone, Masked: access != pursuit.AccessFull && !revealed,
		Revealed: revealed, Function: f, Seniority: sen, VerifiedAt: fmtDate(c.VerifiedAt),
	}}
	return cv, nil
}

func (s *Server) contactPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "contact_id")
	if err != nil {
		return err
	}
	o, err := originOf(r)
	if err != nil {
		return err
	}
	cv, err := s.visibleContact(r.Context(), v.customerID(), id)
	if err != nil {
		return err
	}
	cv.Origin = o
	s.record(v, o, pursuit.EventOpenContact, id, cv.Place.PlaceID)
	return s.renderContact(w, r, v, http.StatusOK, cv)
}

func (s *Server) renderContact(w http.ResponseWriter, r *http.Request, v *viewer, status int, cv contactView) error {
	cust, err := s.store.GetCustomer(r.Context(), v.customerID())
	if err != nil {
		return err
	}
	cv.Credits = cust.RevealCredits
	if cv.Lists, err = s.store.ListLists(r.Context(), v.customerID(), pursuit.ListOptions{Limit: 200}); err != nil {
		return err
	}
	s.render(w, r, status, "contact", page{Title: cv.Row.Name, Nav: "search", Data: cv})
	return nil
}

// reveal unmasks a contact for the customer through the store's
// RevealContact: the first reveal takes one credit, later ones are free.
// No credits left is a message on the contact page (402), not an error
// page.
func (s *Server) reveal(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "contact_id")
	if err != nil {
		return err
	}
	o, err := originOf(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	cv, err := s.visibleContact(ctx, v.customerID(), id)
	if err != nil {
		return err
	}
	cv.Origin = o
	if !cv.Row.Masked {
		redirect(w, r, fmt.Sprintf("/contacts/%d", id), "This contact is already shown in full; nothing was charged.")
		return nil
	}
	rev := pursuit.Reveal{CustomerID: v.customerID(), ContactID: id, RevealedAt: s.now()}
	charged, err := s.store.RevealContact(ctx, &rev)
	if pursuit.ErrorCode(err) == pursuit.EPAYMENT {
		cv.RevealError = "Your company has no reveal credits left, so this contact stays masked. Contacts you revealed before stay free to view. Ask your Pursuit contact for more credits."
		return s.renderContact(w, r, v, http.StatusPaymentRequired, cv)
	}
	if err != nil {
		return err
	}
	s.record(v, o, pursuit.EventReveal, id, cv.Place.PlaceID)
	s.log.Info("revealed", "customer_id", v.customerID(), "user_id", v.User.UserID, "contact_id", id, "charged", charged)
	cust, err := s.store.GetCustomer(ctx, v.customerID())
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Revealed. 1 credit used; %d left.", cust.RevealCredits)
	if !charged {
		msg = "Revealed again, free of charge."
	}
	if r.Header.Get("X-Live") != "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	redirect(w, r, fmt.Sprintf("/contacts/%d", id)+o.Suffix(), msg)
	return nil
}
