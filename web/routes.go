package web

import (
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"github.com/pursuit-gov/pursuit"
)

// handler is a page or action: it returns its error, which becomes the
// HTML error page.
type handler func(w http.ResponseWriter, r *http.Request, v *viewer) error

// Who may use a route.
type access int

const (
	anyone   access = iota // signed in or not
	member                 // a user of a customer (member or admin)
	admin                  // a customer's admin
	operator               // Pursuit's staff
)

// maxFormBytes bounds a form post.
const maxFormBytes = 1 << 20

// routes lists the whole web app.
func (s *Server) routes() {
	static, _ := fs.Sub(staticFS, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler(static)))

	s.handle("GET /{$}", anyone, s.home)
	s.handle("GET /signin", anyone, s.signInPage)
	s.handle("POST /signin", anyone, s.signIn)
	s.handle("GET /signin/link", anyone, s.signInLinkPage)
	s.handle("POST /signin/link", anyone, s.signInLink)
	s.handle("POST /signout", anyone, s.signOut)

	s.handle("GET /search", member, s.searchPage)
	s.handle("GET /contacts/{contact_id}", member, s.contactPage)
	s.handle("POST /contacts/{contact_id}/reveal", member, s.reveal)
	s.handle("GET /places/{place_id}", member, s.placePage)
	s.handle("GET /accounts", member, s.accountsPage)
	s.handle("POST /accounts/match", admin, s.accountsMatch)
	s.handle("POST /accounts/apply", admin, s.accountsApply)

	s.handle("GET /lists", member, s.listsPage)
	s.handle("POST /lists", member, s.createList)
	s.handle("POST /lists/add", member, s.addToList)
	s.handle("GET /lists/{list_id}", member, s.listPage)
	s.handle("POST /lists/{list_id}/delete", member, s.deleteList)
	s.handle("POST /lists/{list_id}/remove", member, s.removeFromList)

	s.handle("GET /saved", member, s.savedPage)
	s.handle("POST /saved", member, s.saveSearch)
	s.handle("GET /saved/{saved_search_id}", member, s.runSaved)
	s.handle("POST /saved/{saved_search_id}/delete", member, s.deleteSaved)
	s.handle("POST /saved/{saved_search_id}/alert", member, s.setSavedAlert)

	s.handle("GET /export", member, s.exportPage)
	s.handle("GET /export/download", member, s.exportDownload)

	s.handle("GET /admin", admin, s.adminPage)
	s.handle("POST /admin/users", admin, s.adminCreateUser)
	s.handle("POST /admin/users/{user_id}/remove", admin, s.adminRemoveUser)
	s.handle("POST /admin/keys", admin, s.adminCreateKey)
	s.handle("POST /admin/keys/{api_key_id}/revoke", admin, s.adminRevokeKey)

	s.handle("GET /ops", operator, s.opsPage)
	s.handle("POST /ops/customers/{customer_id}/credits", operator, s.opsCredits)
	s.handle("GET /ops/grants", operator, s.opsGrantsPage)
	s.handle("POST /ops/grants", operator, s.opsGrant)

	s.handle("/", anyone, func(w http.ResponseWriter, r *http.Request, v *viewer) error {
		return pursuit.Errorf(pursuit.ENOTFOUND, "no page %s", r.URL.Path)
	})
}

// handle registers a route. Every request through it loads its viewer;
// every request that is not GET or HEAD passes the one CSRF check
// (checkCSRF) before anything else happens; then who signed in is checked
// against who may use the route.
func (s *Server) handle(pattern string, who access, h handler) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		v, err := s.loadViewer(w, r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		r = r.WithContext(withViewer(r.Context(), v))
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := parseForm(r); err != nil {
				s.renderError(w, r, err)
				return
			}
			if err := s.checkCSRF(r, v); err != nil {
				s.log.Warn("csrf refused", "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
				s.renderError(w, r, err)
				return
			}
		}
		if err := s.allowed(w, r, v, who); err != nil {
			if err != errRedirected {
				s.renderError(w, r, err)
			}
			return
		}
		if err := h(w, r, v); err != nil {
			s.renderError(w, r, err)
		}
	})
}

// parseForm reads a posted form (URL-encoded or multipart, within
// maxFormBytes); one too large or malformed is a clear error, not a
// missing CSRF token.
func parseForm(r *http.Request) error {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(maxFormBytes)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		return formError(err)
	}
	return nil
}

// errRedirected tells handle that allowed answered with a redirect.
var errRedirected = &pursuit.Error{Code: pursuit.EUNAUTHORIZED, Message: "redirected to sign in"}

// allowed checks the viewer against the route's access. A visitor who is
// not signed in is sent to the sign-in page (GET) or refused.
func (s *Server) allowed(w http.ResponseWriter, r *http.Request, v *viewer, who access) error {
	if who == anyone {
		return nil
	}
	if !v.SignedIn {
		if r.Method == http.MethodGet {
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return errRedirected
		}
		return pursuit.Errorf(pursuit.EUNAUTHORIZED, "you are not signed in (or your session ended); sign in and try again")
	}
	role := v.User.Role
	switch who {
	case member:
		if role == pursuit.UserRoleOperator {
			return pursuit.Errorf(pursuit.EFORBIDDEN, "operators do not belong to a customer and have no contacts to search; use the Operations page")
		}
	case admin:
		if role != pursuit.UserRoleAdmin {
			return pursuit.Errorf(pursuit.EFORBIDDEN, "only an admin of your company can do this (manage users and API keys, load CRM account files); ask one")
		}
	case operator:
		if role != pursuit.UserRoleOperator {
			return pursuit.Errorf(pursuit.EFORBIDDEN, "this page is for Pursuit operators only")
		}
	}
	return nil
}

// staticHandler serves the embedded assets with a day of caching.
func staticHandler(fsys fs.FS) http.Handler {
	fsrv := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		fsrv.ServeHTTP(w, r)
	})
}

// home sends a visitor to the page for its role.
func (s *Server) home(w http.ResponseWriter, r *http.Request, v *viewer) error {
	switch {
	case !v.SignedIn:
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
	case v.User.Role == pursuit.UserRoleOperator:
		http.Redirect(w, r, "/ops", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/search", http.StatusSeeOther)
	}
	return nil
}
