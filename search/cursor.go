package search

import (
	"encoding/base64"
	"encoding/json"

	"github.com/pursuit-gov/pursuit"
)

// cursor is the position after the last hit of a page, and the corpus
// statistics the first page was scored with: later pages score with the
// same statistics, so a hit's score, and so its place in the order, does
// not move while the index changes between pages.
type cursor struct {
	Hash  uint64  `json:"h"`
	Score float64 `json:"s"`
	ID    int64   `json:"i"`
	Stats *stats  `json:"t,omitempty"`
}

// stats are the corpus statistics BM25 uses.
type stats struct {
	N   float64            `json:"n"`
	Avg []float64          `json:"a"`
	DF  map[string]float64 `json:"d,omitempty"` // "field\x00term" → df
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string, hash uint64) (*cursor, error) {
	bad := pursuit.FieldErrorf(pursuit.EINVALID, "cursor", "is not a cursor of this search; start again without it")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.Hash != hash {
		return nil, bad
	}
	return &c, nil
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
