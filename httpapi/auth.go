package httpapi

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"math"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// KeyPrefix starts every API key, so that a leaked key is recognisable
// (secret scanners, logs).
const KeyPrefix = "pk_"

// keyAlphabet is base62: keys are URL- and shell-safe.
const keyAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// GenerateKey returns a new API key: "pk_" and 32 random bytes in base62
// (43 characters).
func GenerateKey() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	n := new(big.Int).SetBytes(b[:])
	base := big.NewInt(62)
	mod := new(big.Int)
	out := make([]byte, 0, 43)
	for i := 0; i < 43; i++ {
		n.DivMod(n, base, mod)
		out = append(out, keyAlphabet[mod.Int64()])
	}
	return KeyPrefix + string(out), nil
}

// HashKey returns the SHA-256 of a key: what the store keeps and looks keys
// up by.
func HashKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// NewAPIKey generates a key for the role (and customer) and returns the row
// to store, with its hash and display prefix, and the key itself, which is
// shown once and never stored.
func NewAPIKey(role string, customerID int64, name string, now time.Time) (pursuit.APIKey, string, error) {
	key, err := GenerateKey()
	if err != nil {
		return pursuit.APIKey{}, "", err
	}
	return pursuit.APIKey{
		Role: role, CustomerID: customerID, Name: name,
		Prefix: key[:len(KeyPrefix)+6], Hash: HashKey(key),
		CreatedAt: now.UTC().Truncate(time.Microsecond),
	}, key, nil
}

// reqInfo is per-request state the middleware fills in for the access log.
type reqInfo struct {
	key       pursuit.APIKey
	ok        bool
	requestID string
}

type ctxKey int

const infoKey ctxKey = 0

func withInfo(ctx context.Context) (context.Context, *reqInfo) {
	info := &reqInfo{}
	return context.WithValue(ctx, infoKey, info), info
}

// keyFrom returns the authenticated API key of the request.
func keyFrom(ctx context.Context) (pursuit.APIKey, bool) {
	info, _ := ctx.Value(infoKey).(*reqInfo)
	if info == nil || !info.ok {
		return pursuit.APIKey{}, false
	}
	return info.key, true
}

// authenticate returns the API key the request's bearer token names.
func (s *Server) authenticate(r *http.Request) (pursuit.APIKey, error) {
	h := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		return pursuit.APIKey{}, pursuit.Errorf(pursuit.EUNAUTHORIZED, "missing API key: send Authorization: Bearer pk_…")
	}
	token = strings.TrimSpace(token)
	if !strings.HasPrefix(token, KeyPrefix) || len(token) > 100 {
		return pursuit.APIKey{}, pursuit.Errorf(pursuit.EUNAUTHORIZED, "invalid API key")
	}
	sum := sha256.Sum256([]byte(token))
	now := s.now()
	if k, ok := s.keys.get(sum); ok {
		return s.checkKey(k, sum[:], now)
	}
	ctx := r.Context()
	// The change log's position before the row is read: the cache may
	// serve the row once it has read the log this far, until it sees a
	// later change of the key or its customer (keyCache).
	seq := int64(-1)
	if s.keys.isFollowing() {
		var err error
		if seq, err = s.store.LastSeq(ctx); err != nil {
			return pursuit.APIKey{}, err
		}
	}
	k, err := s.store.APIKeyByHash(ctx, sum[:])
	if pursuit.ErrorCode(err) == pursuit.ENOTFOUND {
		return pursuit.APIKey{}, pursuit.Errorf(pursuit.EUNAUTHORIZED, "invalid API key")
	} else if err != nil {
		return pursuit.APIKey{}, err
	}
	if _, err := s.checkKey(k, sum[:], now); err != nil {
		return pursuit.APIKey{}, err
	}
	if k.Role == pursuit.RoleCustomer {
		// A customer key must name a customer that exists: the key of a
		// deleted customer is dead (the store deletes it by cascade, and
		// ids are never reused, so it cannot come to name another).
		if _, err := s.store.GetCustomer(ctx, k.CustomerID); pursuit.ErrorCode(err) == pursuit.ENOTFOUND {
			return pursuit.APIKey{}, pursuit.Errorf(pursuit.EUNAUTHORIZED, "invalid API key")
		} else if err != nil {
			return pursuit.APIKey{}, err
		}
	}
	if seq >= 0 {
		s.keys.put(sum, k, seq)
	}
	return k, nil
}

// checkKey compares the stored hash in constant time (the store looked
// the key up by its hash, so this guards against a store that matched
// loosely) and rejects revoked keys.
func (s *Server) checkKey(k pursuit.APIKey, sum []byte, now time.Time) (pursuit.APIKey, error) {
	if subtle.ConstantTimeCompare(k.Hash, sum) != 1 {
		return pursuit.APIKey{}, pursuit.Errorf(pursuit.EUNAUTHORIZED, "invalid API key")
	}
	if !k.RevokedAt.IsZero() && !now.Before(k.RevokedAt) {
		return pursuit.APIKey{}, pursuit.Errorf(pursuit.EUNAUTHORIZED, "this API key was revoked")
	}
	return k, nil
}

// forget makes the key cache drop, at once, the key keyID or the keys of
// customerID after this server changed them (the follower would see the
// change a poll later).
func (s *Server) forget(ctx context.Context, keyID, customerID int64) {
	if !s.keys.isFollowing() {
		return
	}
	seq, err := s.store.LastSeq(context.WithoutCancel(ctx))
	if err != nil {
		// The follower will read the change: the cache forgets the key
		// then.
		s.log.Warn("key cache: read last seq", "err", err)
		return
	}
	s.keys.changed(keyID, customerID, seq)
}

// authed wraps a handler with authentication, the role check and the rate
// limit. role is pursuit.RoleAdmin or pursuit.RoleCustomer.
func (s *Server) authed(role string, h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := func() error {
			// Clients that keep failing authentication are slowed down per
			// address before their keys reach the store.
			addr := remoteHost(r)
			if s.failures != nil && s.failures.exhausted(addr) {
				return &retryAfter{
					err:     pursuit.Errorf(pursuit.ERATELIMIT, "too many failed authentications from this address; retry later"),
					Seconds: 1,
				}
			}
			k, err := s.authenticate(r)
			if err != nil {
				if s.failures != nil && pursuit.ErrorCode(err) == pursuit.EUNAUTHORIZED {
					s.failures.take(addr)
				}
				return err
			}
			if info, _ := r.Context().Value(infoKey).(*reqInfo); info != nil {
				info.key, info.ok = k, true
			} else {
				ctx, info := withInfo(r.Context())
				info.key, info.ok = k, true
				r = r.WithContext(ctx)
			}
			if s.limiter != nil {
				if wait := s.limiter.take(k.APIKeyID); wait > 0 {
					return &retryAfter{
						err:     pursuit.Errorf(pursuit.ERATELIMIT, "rate limit of %g requests per second exceeded; retry after %d s", s.cfg.RateLimit, secondsCeil(wait)),
						Seconds: secondsCeil(wait),
					}
				}
			}
			if k.Role != role {
				return pursuit.Errorf(pursuit.EFORBIDDEN, "this route needs %s API key; this key is %s key", withArticle(role), withArticle(k.Role))
			}
			return h(w, r)
		}()
		if err != nil {
			s.writeError(w, r, err)
		}
	}
}

// public wraps a handler that needs no key.
func (s *Server) public(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	}
}

func secondsCeil(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

// remoteHost returns the client's address without the port.
func remoteHost(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

// limiter is a token bucket per key: an API key id, or a client address
// for failed authentications.
type limiter[K comparable] struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	now     func() time.Time
	buckets map[K]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter[K comparable](rate float64, burst int, now func() time.Time) *limiter[K] {
	return &limiter[K]{rate: rate, burst: float64(burst), now: now, buckets: make(map[K]*bucket)}
}

// refill returns the key's bucket with the tokens earned since its last
// use; l.mu is held.
func (l *limiter[K]) refill(id K, now time.Time) *bucket {
	b := l.buckets[id]
	if b == nil {
		if len(l.buckets) > 100000 {
			clear(l.buckets) // bound memory; forgetting buckets only forgives
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[id] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	return b
}

// take takes a token from the key's bucket and returns 0, or returns how
// long until a token is available.
func (l *limiter[K]) take(id K) time.Duration {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(id, now)
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	return time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// exhausted reports whether the key's bucket has no token left, without
// taking one.
func (l *limiter[K]) exhausted(id K) bool {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.refill(id, now).tokens < 1
}

// withArticle returns a role name with its indefinite article: "an admin",
// "a customer".
func withArticle(role string) string {
	if role != "" && strings.ContainsRune("aeiou", rune(role[0])) {
		return "an " + role
	}
	return "a " + role
}
