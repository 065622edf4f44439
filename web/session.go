package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// Cookie names. The session cookie holds a random token whose SHA-256 is
// the sessions row's hash; the pre-session cookie holds the CSRF token of
// the sign-in form, before there is a session.
const (
	sessionCookie = "pursuit_session"
	preCookie     = "pursuit_presession"
)

// touchEvery is how stale last_seen_at may get before a request moves it
// (and the idle expiry): one write per session per minute at most.
const touchEvery = time.Minute

// viewer is the signed-in user of a request, or the anonymous visitor.
type viewer struct {
	Session pursuit.Session
	User    pursuit.User
	// CSRF is the token every form of the page carries.
	CSRF string
	// SignedIn is false for anonymous visitors.
	SignedIn bool
}

// customerID returns the user's customer, 0 for operators and visitors.
func (v *viewer) customerID() int64 { return v.User.CustomerID }

type ctxKey struct{}

func viewerFrom(ctx context.Context) *viewer {
	v, _ := ctx.Value(ctxKey{}).(*viewer)
	if v == nil {
		return &viewer{}
	}
	return v
}

// newToken returns 32 random bytes as unpadded base64url.
func newToken() (string, []byte) {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:]), b[:]
}

// hashToken is what the store keeps of a cookie or link token.
func hashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// csrfToken derives a session's CSRF token from its secret.
func csrfToken(secret []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("pursuit csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// loadViewer reads the session cookie and returns the viewer: signed in
// when the cookie names a live session of an enabled user (the store is
// asked on every request, so a session ended on any server is dead here
// at once), anonymous otherwise. An expired session is deleted.
func (s *Server) loadViewer(w http.ResponseWriter, r *http.Request) (*viewer, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return &viewer{}, nil
	}
	ctx := r.Context()
	sess, user, err := s.store.SessionByHash(ctx, hashToken(c.Value))
	if pursuit.ErrorCode(err) == pursuit.ENOTFOUND {
		s.clearCookie(w, r, sessionCookie)
		return &viewer{}, nil
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !now.Before(sess.ExpiresAt) {
		if err := s.store.DeleteSession(ctx, sess.SessionID); err != nil && pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
			return nil, err
		}
		s.clearCookie(w, r, sessionCookie)
		return &viewer{}, nil
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		exp := s.expiry(sess.CreatedAt, now)
		if err := s.store.TouchSession(ctx, sess.SessionID, now, exp); err != nil && pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
			return nil, err
		}
		sess.LastSeenAt, sess.ExpiresAt = now, exp
	}
	return &viewer{Session: sess, User: user, CSRF: csrfToken(sess.CSRFSecret), SignedIn: true}, nil
}

// expiry is when a session created at created and used at now ends: after
// SessionIdle without use, and SessionLifetime after sign-in at the latest.
func (s *Server) expiry(created, now time.Time) time.Time {
	idle := now.Add(s.cfg.SessionIdle)
	if abs := created.Add(s.cfg.SessionLifetime); abs.Before(idle) {
		return abs
	}
	return idle
}

// startSession signs a user in: a new session row and its cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u pursuit.User) error {
	tok, _ := newToken()
	_, secret := newToken()
	now := s.now()
	sess := pursuit.Session{UserID: u.UserID, Hash: hashToken(tok), CSRFSecret: secret,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: s.expiry(now, now)}
	if err := s.store.CreateSession(r.Context(), &sess); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: tok, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(r), Expires: now.Add(s.cfg.SessionLifetime),
	})
	s.clearCookie(w, r, preCookie)
	s.log.Info("signed in", "user_id", u.UserID, "customer_id", u.CustomerID, "session_id", sess.SessionID)
	return nil
}

func (s *Server) secure(r *http.Request) bool { return s.cfg.SecureCookies || r.TLS != nil }

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
}

// preSessionToken returns the CSRF token of a visitor without a session:
// the value of the pre-session cookie, set now when missing.
func (s *Server) preSessionToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(preCookie); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	tok, _ := newToken()
	http.SetCookie(w, &http.Cookie{Name: preCookie, Value: tok, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secure(r), MaxAge: 3600})
	// Requests later in this one see it too.
	r.AddCookie(&http.Cookie{Name: preCookie, Value: tok})
	return tok
}

// checkCSRF is the one CSRF check, run before every request whose method
// is not GET or HEAD: the request must carry the token of its session
// (form field csrf or header X-CSRF-Token), or, without a session, the
// token of its pre-session cookie; and an Origin header, when sent, must
// be this server's. Anything else is refused with EFORBIDDEN.
func (s *Server) checkCSRF(r *http.Request, v *viewer) error {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		if o != "http://"+r.Host && o != "https://"+r.Host {
			return pursuit.Errorf(pursuit.EFORBIDDEN, "this form was sent from another site (%s); open the page on this site and send it again", o)
		}
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	want := v.CSRF
	if !v.SignedIn {
		if c, err := r.Cookie(preCookie); err == nil {
			want = c.Value
		}
	}
	if want == "" || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return pursuit.FieldErrorf(pursuit.EFORBIDDEN, "csrf", "the form's security token is missing or out of date (was the page open before you signed in again?); reload the page and send it again")
	}
	return nil
}

func withViewer(ctx context.Context, v *viewer) context.Context {
	return context.WithValue(ctx, ctxKey{}, v)
}

// BenchSession creates a session for a user and returns the Cookie header
// that carries it, for pursuit bench web, which times the pages of a
// signed-in user without a sign-in.
func BenchSession(ctx context.Context, store pursuit.Store, userID int64, now time.Time) (string, error) {
	tok, _ := newToken()
	_, secret := newToken()
	sess := pursuit.Session{UserID: userID, Hash: hashToken(tok), CSRFSecret: secret, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := store.CreateSession(ctx, &sess); err != nil {
		return "", err
	}
	return sessionCookie + "=" + tok, nil
}
