package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/httpapi"
)

// adminView is the customer admin's page: its users and its API keys. A
// new user's sign-in link and a new API key are shown once, on the page
// that answers their creation, and never stored.
type adminView struct {
	Customer pursuit.Customer
	Users    []pursuit.User
	Keys     []pursuit.APIKey
	NewLink  string
	NewUser  string
	NewKey   string
}

func (s *Server) adminView(r *http.Request, v *viewer) (adminView, error) {
	ctx := r.Context()
	var view adminView
	var err error
	if view.Customer, err = s.store.GetCustomer(ctx, v.customerID()); err != nil {
		return view, err
	}
	if view.Users, err = s.store.ListUsers(ctx, v.customerID(), pursuit.ListOptions{Limit: pursuit.MaxListLimit}); err != nil {
		return view, err
	}
	// The store lists only this customer's keys.
	view.Keys, err = s.store.ListCustomerAPIKeys(ctx, v.customerID())
	return view, err
}

func (s *Server) adminPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	view, err := s.adminView(r, v)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "admin", page{Title: "Admin", Nav: "admin", Data: view})
	return nil
}

// adminCreateUser adds a member or admin to the admin's own customer and
// shows its one-time sign-in link once.
func (s *Server) adminCreateUser(w http.ResponseWriter, r *http.Request, v *viewer) error {
	role := r.PostFormValue("role")
	if role != pursuit.UserRoleMember && role != pursuit.UserRoleAdmin {
		return pursuit.FieldErrorf(pursuit.EINVALID, "role", "choose member or admin")
	}
	u := pursuit.User{CustomerID: v.customerID(), Email: strings.TrimSpace(r.PostFormValue("email")), Role: role}
	if err := s.store.CreateUser(r.Context(), &u); err != nil {
		return err
	}
	link, err := NewSignInLink(r.Context(), s.store, u.UserID, s.cfg.SignInLinkTTL, s.now())
	if err != nil {
		return err
	}
	view, err := s.adminView(r, v)
	if err != nil {
		return err
	}
	scheme := "http"
	if s.secure(r) {
		scheme = "https"
	}
	view.NewLink, view.NewUser = scheme+"://"+r.Host+link, u.Email
	s.render(w, r, http.StatusCreated, "admin", page{Title: "Admin", Nav: "admin", Data: view})
	return nil
}

// adminRemoveUser deletes a user of the admin's customer; its sessions go
// with it (cascade), so it is signed out everywhere at once.
func (s *Server) adminRemoveUser(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "user_id")
	if err != nil {
		return err
	}
	u, err := s.store.GetUser(r.Context(), id)
	if err != nil {
		return err
	}
	if u.CustomerID != v.customerID() {
		return pursuit.Errorf(pursuit.ENOTFOUND, "no user %d", id)
	}
	if u.UserID == v.User.UserID {
		return pursuit.Errorf(pursuit.EINVALID, "you cannot remove yourself; ask another admin")
	}
	if err := s.store.DeleteUser(r.Context(), id); err != nil {
		return err
	}
	redirect(w, r, "/admin", fmt.Sprintf("Removed %s and ended their sessions.", u.Email))
	return nil
}

// adminCreateKey creates a customer API key and shows it once.
func (s *Server) adminCreateKey(w http.ResponseWriter, r *http.Request, v *viewer) error {
	k, key, err := httpapi.NewAPIKey(pursuit.RoleCustomer, v.customerID(), strings.TrimSpace(r.PostFormValue("name")), s.now())
	if err != nil {
		return err
	}
	if err := s.store.CreateAPIKey(r.Context(), &k); err != nil {
		return err
	}
	view, err := s.adminView(r, v)
	if err != nil {
		return err
	}
	view.NewKey = key
	s.render(w, r, http.StatusCreated, "admin", page{Title: "Admin", Nav: "admin", Data: view})
	return nil
}

// adminRevokeKey revokes one of the customer's own API keys. The store
// revokes only a key of the customer: another customer's key id is the
// same 404 as an id that does not exist.
func (s *Server) adminRevokeKey(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "api_key_id")
	if err != nil {
		return err
	}
	k, err := s.store.RevokeCustomerAPIKey(r.Context(), v.customerID(), id, s.now())
	if err != nil {
		return err
	}
	s.notify()
	redirect(w, r, "/admin", fmt.Sprintf("Key %s… revoked; it stops working on every server at once.", k.Prefix))
	return nil
}
