package search

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/pursuit-gov/pursuit"
)

// cursor is the position after the last hit of a page, and the corpus
// statistics the first page was scored with: later pages score with the
// same statistics, so a hit's score, and so its place in the order, does
// not move while the index changes between pages.
//
// A client sees a cursor only sealed (sealer): encrypted and
// authenticated with AES-256-GCM, bound to the customer and to the
// request it continues, so it can neither read the statistics (they are
// the customer's own anyway, see stats.go) nor forge or move a cursor to
// another customer or search.
type cursor struct {
	Score float64 `json:"s"`
	ID    int64   `json:"i"`
	Stats *stats  `json:"t,omitempty"`
}

// Limits of a cursor's content, checked after it is opened. The key
// makes forgery impossible; the checks keep a cursor the index made under
// other rules (or a bug) from reaching the scorer with what it cannot
// score: an empty Avg, a NaN, a df above N.
const (
	// maxCursorLen bounds a cursor before it is decoded: a 500-character
	// query has at most 250 terms, so a few hundred document frequencies.
	maxCursorLen = 64 << 10
	// maxStatN bounds N and every df: more rows than a store holds.
	maxStatN = 1 << 40
	// maxStatLen bounds an average field length (terms are clamped to
	// 255 per field).
	maxStatLen = 1 << 16
)

// cursorVersion is the first byte of a sealed cursor.
const cursorVersion = 1

// sealer seals and opens cursors with a key every server over one store
// shares (pursuit.SecretCursor), so a cursor made by one server is read
// by any other.
type sealer struct {
	aead cipher.AEAD
}

// newSealer derives the cursor key from the shared secret.
func newSealer(secret []byte) (*sealer, error) {
	if len(secret) < pursuit.SecretMinSize {
		return nil, fmt.Errorf("cursor secret: %d bytes, want at least %d", len(secret), pursuit.SecretMinSize)
	}
	key, err := hkdf.Key(sha256.New, secret, nil, "pursuit search cursor v1", 32)
	if err != nil {
		return nil, fmt.Errorf("cursor key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("cursor key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("cursor key: %w", err)
	}
	return &sealer{aead: aead}, nil
}

// binding is what a cursor is bound to: the kind of search, the customer
// and the hash of the normalised request (requestHash). It is the AEAD's
// additional data: a cursor opens only with the same binding.
type binding struct {
	contacts bool
	customer int64
	request  [32]byte
}

func (b binding) bytes() []byte {
	out := make([]byte, 0, 64)
	out = append(out, "pursuit cursor"...)
	if b.contacts {
		out = append(out, 'c')
	} else {
		out = append(out, 'p')
	}
	out = binary.BigEndian.AppendUint64(out, uint64(b.customer))
	return append(out, b.request[:]...)
}

// seal encrypts a cursor: version byte, random 12-byte nonce, ciphertext
// and tag, in unpadded base64url.
func (s *sealer) seal(c cursor, b binding) string {
	plain, err := json.Marshal(c)
	if err != nil {
		// Only a NaN or an infinity fails, and the scores are finite:
		// end the paging rather than hand out a cursor that is wrong.
		return ""
	}
	out := make([]byte, 1+s.aead.NonceSize(), 1+s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	out[0] = cursorVersion
	rand.Read(out[1:])
	out = s.aead.Seal(out, out[1:], plain, b.bytes())
	return base64.RawURLEncoding.EncodeToString(out)
}

// badCursor is the one error of every cursor that does not open or does
// not hold what it should: the client cannot tell which, and need not.
func badCursor() error {
	return pursuit.FieldErrorf(pursuit.EINVALID, "cursor", "is not a cursor of this search; start again without it")
}

// open decrypts and checks a cursor made for binding b, whose query
// scores the statistics keys (nil when it scores nothing) and whose
// averages have avgs fields.
func (s *sealer) open(str string, b binding, keys [][2]string, avgs int) (*cursor, error) {
	if len(str) > maxCursorLen {
		return nil, badCursor()
	}
	raw, err := base64.RawURLEncoding.DecodeString(str)
	n := s.aead.NonceSize()
	if err != nil || len(raw) < 1+n+s.aead.Overhead() || raw[0] != cursorVersion {
		return nil, badCursor()
	}
	plain, err := s.aead.Open(nil, raw[1:1+n], raw[1+n:], b.bytes())
	if err != nil {
		return nil, badCursor()
	}
	var c cursor
	dec := json.NewDecoder(strings.NewReader(string(plain)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil || dec.More() {
		return nil, badCursor()
	}
	if !c.valid(keys, avgs) {
		return nil, badCursor()
	}
	return &c, nil
}

// valid checks an opened cursor's content: a finite score, a positive id,
// and statistics exactly when the query scores terms, with one average
// per field and a document frequency only for the query's own terms, all
// finite and in range (0 <= df <= N).
func (c *cursor) valid(keys [][2]string, avgs int) bool {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	if !finite(c.Score) || c.ID <= 0 {
		return false
	}
	st := c.Stats
	if (st == nil) != (len(keys) == 0) {
		return false
	}
	if st == nil {
		return true
	}
	if !finite(st.N) || st.N < 0 || st.N > maxStatN || len(st.Avg) != avgs {
		return false
	}
	for _, a := range st.Avg {
		if !finite(a) || a < 0 || a > maxStatLen {
			return false
		}
	}
	if len(st.DF) > len(keys) {
		return false
	}
	allowed := make(map[string]bool, len(keys))
	for _, k := range keys {
		allowed[dfKey(k[0], k[1])] = true
	}
	for k, df := range st.DF {
		if !allowed[k] || !finite(df) || df < 0 || df > st.N {
			return false
		}
	}
	return true
}

// after reports whether a hit comes after the cursor in the order: score
// descending, then id ascending.
func (c *cursor) after(score float64, id int64) bool {
	return c == nil || score < c.Score || score == c.Score && id > c.ID
}

// hit is a scored candidate.
type hit struct {
	score float64
	id    int64
	ord   uint32
}

// better reports whether a ranks before b.
func better(a, b hit) bool {
	return a.score > b.score || a.score == b.score && a.id < b.id
}

// topK keeps the k best hits in a heap whose root is the worst of them.
type topK struct {
	k int
	h []hit
}

func (t *topK) full() bool { return len(t.h) >= t.k }

// worst returns the worst kept hit; call only when full.
func (t *topK) worst() hit { return t.h[0] }

func (t *topK) push(x hit) {
	if len(t.h) < t.k {
		t.h = append(t.h, x)
		i := len(t.h) - 1
		for i > 0 {
			p := (i - 1) / 2
			if !better(t.h[p], t.h[i]) {
				break
			}
			t.h[p], t.h[i] = t.h[i], t.h[p]
			i = p
		}
		return
	}
	if !better(x, t.h[0]) {
		return
	}
	t.h[0] = x
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(t.h) && better(t.h[m], t.h[l]) {
			m = l
		}
		if r < len(t.h) && better(t.h[m], t.h[r]) {
			m = r
		}
		if m == i {
			return
		}
		t.h[i], t.h[m] = t.h[m], t.h[i]
		i = m
	}
}

// sorted returns the kept hits, best first.
func (t *topK) sorted() []hit {
	out := append([]hit(nil), t.h...)
	sortHits(out)
	return out
}

func sortHits(hs []hit) {
	for i := 1; i < len(hs); i++ {
		for j := i; j > 0 && better(hs[j], hs[j-1]); j-- {
			hs[j], hs[j-1] = hs[j-1], hs[j]
		}
	}
}
