package web

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// NewSignInLink creates a one-time sign-in token for a user, valid for
// ttl, and returns the path of its link (/signin/link?token=…), to be
// put after the server's address. Only the token's SHA-256 is stored.
func NewSignInLink(ctx context.Context, store pursuit.Store, userID int64, ttl time.Duration, now time.Time) (string, error) {
	tok, _ := newToken()
	t := pursuit.SignInToken{UserID: userID, Hash: hashToken(tok), CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := store.CreateSignInToken(ctx, &t); err != nil {
		return "", err
	}
	return "/signin/link?token=" + tok, nil
}

type signInView struct {
	Email string
	Next  string
	Error string
}

// safeNext keeps a post-sign-in target only when it is a path on this
// site, never another site ("//evil", "https://…").
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || len(next) > 2000 {
		return ""
	}
	return next
}

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.SignedIn {
		return s.home(w, r, v)
	}
	tok := s.preSessionToken(w, r)
	s.render(w, r, http.StatusOK, "signin", page{Title: "Sign in", CSRF: tok, Data: signInView{Next: safeNext(r.URL.Query().Get("next"))}})
	return nil
}

// clientAddr is the address sign-in attempts are limited by.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// signIn checks an email and password. Every failure gets the same
// message, and a missing user costs the same hash as a real one, so the
// answer does not tell which emails have accounts.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, v *viewer) error {
	email := strings.TrimSpace(r.PostFormValue("email"))
	pw := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	fail := func(status int, msg string) error {
		tok := s.preSessionToken(w, r)
		s.render(w, r, status, "signin", page{Title: "Sign in", CSRF: tok, Data: signInView{Email: email, Next: next, Error: msg}})
		return nil
	}
	if email == "" || pw == "" {
		return fail(http.StatusBadRequest, "Enter your email and your password.")
	}
	if ok, wait := s.limiter.allow("addr:"+clientAddr(r), "email:"+pursuit.NormalizeEmail(email)); !ok {
		s.log.Warn("sign-in rate limited", "remote", r.RemoteAddr)
		secs := int(wait.Seconds()) + 1
		w.Header().Set("Retry-After", itoa(secs))
		return fail(http.StatusTooManyRequests, "Too many sign-in attempts. Wait "+itoa(secs)+" seconds and try again.")
	}
	u, err := s.store.UserByEmail(r.Context(), email)
	if err != nil && pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
		return err
	}
	hash := u.PasswordHash
	if err != nil || hash == "" {
		hash = dummyHash()
	}
	good := CheckPassword(hash, pw) && err == nil && u.PasswordHash != "" && !u.Disabled
	if !good {
		s.log.Info("sign-in failed", "remote", r.RemoteAddr)
		return fail(http.StatusUnauthorized, "That email and password do not match an account. Check both, or ask your admin for a sign-in link.")
	}
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

type linkView struct {
	Token string
}

// signInLinkPage shows a button that uses a one-time link: the link itself
// (a GET, which mail scanners and previews follow) never signs in.
func (s *Server) signInLinkPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	tok := r.URL.Query().Get("token")
	if len(tok) != 43 {
		return pursuit.FieldErrorf(pursuit.EINVALID, "token", "this sign-in link is incomplete; copy the whole link from the message you were sent")
	}
	csrf := v.CSRF
	if !v.SignedIn {
		csrf = s.preSessionToken(w, r)
	}
	s.render(w, r, http.StatusOK, "signin_link", page{Title: "Sign in", CSRF: csrf, Data: linkView{Token: tok}})
	return nil
}

func (s *Server) signInLink(w http.ResponseWriter, r *http.Request, v *viewer) error {
	tok := r.PostFormValue("token")
	if ok, wait := s.limiter.allow("addr:" + clientAddr(r)); !ok {
		w.Header().Set("Retry-After", itoa(int(wait.Seconds())+1))
		return pursuit.Errorf(pursuit.ERATELIMIT, "too many sign-in attempts; wait a minute and try again")
	}
	t, err := s.store.UseSignInToken(r.Context(), hashToken(tok), s.now())
	if err != nil {
		if pursuit.ErrorCode(err) == pursuit.ENOTFOUND {
			return pursuit.Errorf(pursuit.EUNAUTHORIZED, "this sign-in link does not work any more: each link works once and expires after a day. Ask your admin for a new one")
		}
		return err
	}
	u, err := s.store.GetUser(r.Context(), t.UserID)
	if err != nil {
		return err
	}
	if v.SignedIn {
		if err := s.store.DeleteSession(r.Context(), v.Session.SessionID); err != nil && pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
			return err
		}
	}
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// signOut ends the session in the store, so it is dead on every server at
// once, and clears the cookie.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.SignedIn {
		if err := s.store.DeleteSession(r.Context(), v.Session.SessionID); err != nil && pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
			return err
		}
		s.log.Info("signed out", "user_id", v.User.UserID, "session_id", v.Session.SessionID)
	}
	s.clearCookie(w, r, sessionCookie)
	redirect(w, r, "/signin", "You are signed out.")
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }
