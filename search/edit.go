package search

import (
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// edit is the direction of a write to the index's structures. Each writer
// (indexPlace, indexContacts, indexContactsPlace) lists once what its rows
// put in each structure, and the edit adds it there or takes it out: the
// removal of a row cannot drift from its addition, and a batch of rows
// (Build) goes through the same lines as one row (following the change
// log).
type edit bool

const (
	adding   edit = true
	removing edit = false
)

// sign is +1 for adding, -1 for removing: what length sums move by.
func (e edit) sign() int64 {
	if e == adding {
		return 1
	}
	return -1
}

// bit adds or removes one ordinal.
func (e edit) bit(bm *roaring.Bitmap, o uint32) {
	if e == adding {
		bm.Add(o)
	} else {
		bm.Remove(o)
	}
}

// bits adds or removes sorted, distinct ordinals: a run of consecutive
// ones as a range, others as a list.
func (e edit) bits(bm *roaring.Bitmap, ords []uint32) {
	switch n := len(ords); {
	case n == 0:
	case n == 1:
		e.bit(bm, ords[0])
	case ords[n-1]-ords[0] == uint32(n-1):
		if e == adding {
			bm.AddRange(uint64(ords[0]), uint64(ords[n-1])+1)
		} else {
			bm.RemoveRange(uint64(ords[0]), uint64(ords[n-1])+1)
		}
	case e == adding:
		addMany(bm, ords)
	default:
		bm.AndNot(roaring.BitmapOf(ords...))
	}
}

// addMany adds ords (in any order) to bm. Many of them, dense enough in
// the span up to the greatest, go through a word array and FromDense:
// AddMany inserts them one at a time, growing each array container as it
// goes, ~2 s of CPU in a seed-scale build.
func addMany(bm *roaring.Bitmap, ords []uint32) {
	const minDense = 1 << 14
	if len(ords) < minDense {
		bm.AddMany(ords)
		return
	}
	hi := slices.Max(ords)
	if uint64(len(ords))*64 < uint64(hi) {
		// Under a bit a word: the array would cost more than it saves.
		bm.AddMany(ords)
		return
	}
	words := make([]uint64, hi/64+1)
	for _, o := range ords {
		words[o>>6] |= 1 << (o & 63)
	}
	if bm.IsEmpty() {
		bm.FromDense(words, true)
		return
	}
	bm.Or(roaring.FromDense(words, true))
}

// key adds or removes one ordinal in the bitmap of key in m: adding
// creates the bitmap, removing the last ordinal deletes it.
func (e edit) key(m bitmaps, key string, o uint32) {
	if e == adding {
		m.add(key, o)
	} else {
		m.remove(key, o)
	}
}

// keys does the same for sorted, distinct ordinals.
func (e edit) keys(m bitmaps, key string, ords []uint32) {
	bm := m[key]
	if bm == nil {
		if e == removing || len(ords) == 0 {
			return
		}
		bm = roaring.New()
		m[key] = bm
	}
	e.bits(bm, ords)
	if bm.IsEmpty() {
		delete(m, key)
	}
}

// post adds or removes one ordinal in a term's postings.
func (e edit) post(f *field, term string, o uint32) {
	if e == adding {
		f.add(term, o)
	} else {
		f.remove(term, o)
	}
}

// posts does the same for sorted, distinct ordinals.
func (e edit) posts(f *field, term string, ords []uint32) {
	switch {
	case len(ords) == 1:
		e.post(f, term, ords[0])
	case e == adding:
		f.addMany(term, ords)
	default:
		for _, o := range ords {
			f.remove(term, o)
		}
	}
}

// value adds or removes an ordinal of value v in a range index; adding
// widens its bucket's bounds.
func (e edit) value(r *rangeIndex, o uint32, v int64) {
	if e == adding {
		r.add(o, v)
	} else {
		r.remove(o, v)
	}
}

// values does the same for sorted, distinct ordinals, whose values value
// gives, bucket by bucket.
func (e edit) values(r *rangeIndex, ords []uint32, value func(uint32) int64) {
	if len(ords) == 1 {
		e.value(r, ords[0], value(ords[0]))
		return
	}
	by := map[int][]uint32{}
	for _, o := range ords {
		v := value(o)
		k := r.bucket(v)
		by[k] = append(by[k], o)
		if e == adding {
			r.widen(k, v)
		}
	}
	for k, l := range by {
		if b := r.buckets[k]; b != nil {
			e.bits(b.bm, l)
		}
	}
	r.gen++
}

// sortedOrds returns ords sorted and without duplicates, copying them
// only when they are not.
func sortedOrds(ords []uint32) []uint32 {
	for i := 1; i < len(ords); i++ {
		if ords[i] <= ords[i-1] {
			out := slices.Clone(ords)
			slices.Sort(out)
			return slices.Compact(out)
		}
	}
	return ords
}

// grouper groups sorted ordinals by a key, handing each key's ordinals
// to a function as one sorted list, without a slice per key that appends
// grow: a big batch (Build's 4.5 M contacts, grouped nine ways) is counted
// by key, then placed in one flat array, key after key; a small one (a
// write) is sorted by key. Appending per key grew ~400 MB of slices at the
// seed's scale, and on a virtual machine every fresh page of them is a
// costly fault; where lists the ordinals a flag holds for the same way.
// Its scratch arrays are reused from one grouping to the next, so fn must
// not keep the list nor group with the same grouper.
type grouper struct {
	keys, flat []uint32
	sorted     []uint64
	count      []int
}

// where calls fn with the ordinals of ords for which has is true, in
// order; with none, it does not call fn.
func (g *grouper) where(ords []uint32, has func(o uint32) bool, fn func(l []uint32)) {
	if cap(g.flat) < len(ords) {
		g.flat = make([]uint32, 0, len(ords))
	}
	l := g.flat[:0]
	for _, o := range ords {
		if has(o) {
			l = append(l, o)
		}
	}
	if len(l) > 0 {
		fn(l)
	}
}

// group calls fn once for each key of ords (key(o) < nKeys) with that
// key's ordinals, in order.
func (g *grouper) group(ords []uint32, nKeys int, key func(o uint32) uint32, fn func(k uint32, l []uint32)) {
	n := len(ords)
	if n == 0 {
		return
	}
	if cap(g.flat) < n {
		g.flat = make([]uint32, n)
	}
	flat := g.flat[:n]
	if nKeys > 8*n {
		// Few ordinals for many keys: counting would clear more than it
		// places.
		s := g.sorted[:0]
		for _, o := range ords {
			s = append(s, uint64(key(o))<<32|uint64(o))
		}
		slices.Sort(s)
		g.sorted = s
		for i := 0; i < n; {
			k, j := uint32(s[i]>>32), i
			for ; j < n && uint32(s[j]>>32) == k; j++ {
				flat[j] = uint32(s[j])
			}
			fn(k, flat[i:j])
			i = j
		}
		return
	}
	if cap(g.keys) < n {
		g.keys = make([]uint32, n)
	}
	keys := g.keys[:n]
	if cap(g.count) < nKeys {
		g.count = make([]int, nKeys)
	}
	count := g.count[:nKeys]
	clear(count)
	for i, o := range ords {
		k := key(o)
		keys[i] = k
		count[k]++
	}
	at := 0
	for k, c := range count {
		count[k] = at
		at += c
	}
	for i, o := range ords {
		k := keys[i]
		flat[count[k]] = o
		count[k]++
	}
	// count[k] is now where key k's ordinals end.
	at = 0
	for k, end := range count {
		if end > at {
			fn(uint32(k), flat[at:end])
			at = end
		}
	}
}

// rangeSets gathers ranges of ordinals per bitmap and adds or removes
// them in one pass per bitmap: a few as ranges, many through a dense word
// array (AddRange one range at a time unions run containers, quadratic in
// a vendor's runs: 4 s at the seed's scale).
type rangeSets struct {
	order []*roaring.Bitmap
	byBM  map[*roaring.Bitmap][][2]uint32
	// owner is the map and key of a bitmap of a keyed set, deleted from
	// it when a removal leaves it empty.
	owner map[*roaring.Bitmap]ownerKey
}

type ownerKey struct {
	m   bitmaps
	key string
}

// keyed gathers r for the bitmap of key in m; adding creates the bitmap.
func (s *rangeSets) keyed(e edit, m bitmaps, key string, r [2]uint32) {
	bm := m[key]
	if bm == nil {
		if e == removing {
			return
		}
		bm = roaring.New()
		m[key] = bm
	}
	if s.owner == nil {
		s.owner = map[*roaring.Bitmap]ownerKey{}
	}
	s.owner[bm] = ownerKey{m, key}
	s.to(bm, r)
}

// to gathers r for bm.
func (s *rangeSets) to(bm *roaring.Bitmap, r [2]uint32) {
	if s.byBM == nil {
		s.byBM = map[*roaring.Bitmap][][2]uint32{}
	}
	l, ok := s.byBM[bm]
	if !ok {
		s.order = append(s.order, bm)
	}
	s.byBM[bm] = append(l, r)
}

// apply adds or removes the gathered ranges, of ordinals below n.
func (s *rangeSets) apply(e edit, n int) {
	var words []uint64
	for _, bm := range s.order {
		rs := s.byBM[bm]
		if len(rs) <= 8 {
			for _, r := range rs {
				if e == adding {
					bm.AddRange(uint64(r[0]), uint64(r[1]))
				} else {
					bm.RemoveRange(uint64(r[0]), uint64(r[1]))
				}
			}
		} else {
			if words == nil {
				words = make([]uint64, (n+63)/64)
			} else {
				clear(words)
			}
			for _, r := range rs {
				setBits(words, r[0], r[1])
			}
			if e == adding {
				bm.Or(roaring.FromDense(words, true))
			} else {
				bm.AndNot(roaring.FromDense(words, true))
			}
			bm.RunOptimize()
		}
		if o, ok := s.owner[bm]; ok && bm.IsEmpty() {
			delete(o.m, o.key)
		}
	}
}

// setBits sets bits [lo, hi) of words.
func setBits(words []uint64, lo, hi uint32) {
	for lo < hi {
		w, b := lo/64, lo%64
		if b == 0 && hi-lo >= 64 {
			words[w] = ^uint64(0)
			lo += 64
			continue
		}
		end := min(hi, (w+1)*64)
		words[w] |= (^uint64(0) >> (64 - (end - lo))) << b
		lo = end
	}
}
