package search

import (
	"math/bits"
	"slices"
	"strings"
	"unsafe"

	"github.com/RoaringBitmap/roaring/v2"
)

// field is the posting lists of one text field.
//
// Most terms (email local parts, surnames) occur in few documents. A
// roaring bitmap costs such a term an object per 65,536-ordinal container
// it touches, and at the seed's scale those were millions of small objects
// for the garbage collector to mark on every cycle, which made the tail
// latency of every search. So a term keeps its sorted ordinals in a
// pointer-free pool (postPool) until it has more than listMax of them, and
// only then gets a bitmap. A term of one document keeps its ordinal in the
// table's slot itself. The small terms are in a termTable, off the Go
// heap like the pool.
type field struct {
	big      map[string]*roaring.Bitmap
	small    termTable
	pool     postPool
	totalLen int64    // sum of the field's length over live docs
	listMax  int      // most documents a term keeps in the pool
	retired  []func() // mappings the small terms' table grew out of (freeRetired)
	// dirty, while a batch of changes is applied (Index.beginChanges),
	// collects the terms whose postings the batch touched: the caches
	// keyed by term forget only those (endChanges).
	dirty map[string]struct{}
}

// touch records that term's postings change, while a batch is applied.
func (f *field) touch(term string) {
	if f.dirty == nil {
		return
	}
	if _, ok := f.dirty[term]; !ok {
		f.dirty[strings.Clone(term)] = struct{}{}
	}
}

// listMax is the default of field.listMax: a list of 4,096 ordinals is
// 16 kB, about the size of the bitmap it becomes, and turns into a bitmap
// for a search in a few microseconds.
const listMax = 4096

// postList is the postings of a small term: its one ordinal in off when n
// is 1, otherwise pool[off:off+n] of a region of capacity 1<<capLog.
type postList struct {
	off    uint32
	n      uint16
	capLog uint8
}

func newField() *field {
	f := &field{big: make(map[string]*roaring.Bitmap), listMax: listMax}
	f.small.retired = &f.retired
	return f
}

// list returns the ordinals of a small term, read only.
func (f *field) list(l *postList) []uint32 {
	if l.n == 1 {
		return unsafe.Slice(&l.off, 1)
	}
	return f.pool.slice(l.off, int(l.n))
}

// get returns the documents holding term, nil if none. The bitmap of a
// small term is made for the call; callers only read it.
func (f *field) get(term string) *roaring.Bitmap {
	if bm := f.big[term]; bm != nil {
		return bm
	}
	if l, ok := f.small.get(term); ok {
		bm := roaring.New()
		bm.AddMany(f.list(&l))
		return bm
	}
	return nil
}

// card returns how many documents hold term.
func (f *field) card(term string) uint64 {
	if bm := f.big[term]; bm != nil {
		return bm.GetCardinality()
	}
	l, _ := f.small.get(term)
	return uint64(l.n)
}

func (f *field) numTerms() int { return len(f.big) + f.small.len() }

func (f *field) add(term string, ord uint32) {
	f.touch(term)
	if bm := f.big[term]; bm != nil {
		bm.Add(ord)
		return
	}
	l, ok := f.small.get(term)
	switch {
	case !ok:
		f.small.set(term, postList{off: ord, n: 1})
		return
	case l.n == 1 || int(l.n) == f.listMax:
		f.addMany(term, []uint32{ord})
		return
	}
	s := f.pool.slice(l.off, int(l.n))
	i, found := slices.BinarySearch(s, ord)
	if found {
		return
	}
	if int(l.n) == 1<<l.capLog {
		// Full: move to a region twice the size.
		capLog := l.capLog + 1
		off := f.pool.alloc(capLog)
		copy(f.pool.slice(off, int(l.n)), s)
		f.pool.release(l.off, l.capLog)
		l.off, l.capLog = off, capLog
	}
	l.n++
	s = f.pool.slice(l.off, int(l.n))
	copy(s[i+1:], s[i:])
	s[i] = ord
	f.small.set(term, l)
}

// addMany adds ords, in any order, to term's documents.
func (f *field) addMany(term string, ords []uint32) {
	if len(ords) == 0 {
		return
	}
	f.touch(term)
	if bm := f.big[term]; bm != nil {
		addMany(bm, ords)
		return
	}
	if !slices.IsSorted(ords) {
		ords = slices.Clone(ords)
		slices.Sort(ords)
	}
	l, ok := f.small.get(term)
	var old []uint32
	if ok {
		old = f.list(&l)
	}
	if len(old)+len(ords) > f.listMax {
		bm := roaring.New()
		bm.AddMany(old)
		addMany(bm, ords)
		if bm.GetCardinality() > uint64(f.listMax) {
			f.free(l)
			f.small.delete(term)
			f.big[strings.Clone(term)] = bm
			return
		}
	}
	merged := mergeSorted(old, ords)
	if ok && len(merged) == len(old) {
		return
	}
	if len(merged) == 1 {
		f.small.set(term, postList{off: merged[0], n: 1})
		return
	}
	if l.n >= 2 && len(merged) <= 1<<l.capLog {
		copy(f.pool.slice(l.off, len(merged)), merged)
		l.n = uint16(len(merged))
		f.small.set(term, l)
		return
	}
	f.free(l)
	capLog := uint8(bits.Len(uint(len(merged) - 1)))
	off := f.pool.alloc(capLog)
	copy(f.pool.slice(off, len(merged)), merged)
	f.small.set(term, postList{off: off, n: uint16(len(merged)), capLog: capLog})
}

// mergeSorted returns the sorted union of two sorted lists, without
// duplicates. It allocates; the lists it merges are at most listMax long.
func mergeSorted(a, b []uint32) []uint32 {
	out := make([]uint32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var v uint32
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			v, i = a[i], i+1
		case i == len(a) || b[j] < a[i]:
			v, j = b[j], j+1
		default:
			v, i, j = a[i], i+1, j+1
		}
		if len(out) == 0 || out[len(out)-1] != v {
			out = append(out, v)
		}
	}
	return out
}

// free returns the pool region of l, if it has one.
func (f *field) free(l postList) {
	if l.n >= 2 {
		f.pool.release(l.off, l.capLog)
	}
}

func (f *field) remove(term string, ord uint32) {
	f.touch(term)
	if bm := f.big[term]; bm != nil {
		bm.Remove(ord)
		if bm.IsEmpty() {
			delete(f.big, term)
		}
		return
	}
	l, ok := f.small.get(term)
	if !ok {
		return
	}
	if l.n == 1 {
		if l.off == ord {
			f.small.delete(term)
		}
		return
	}
	s := f.pool.slice(l.off, int(l.n))
	i, found := slices.BinarySearch(s, ord)
	if !found {
		return
	}
	copy(s[i:], s[i+1:])
	l.n--
	if l.n == 1 {
		f.pool.release(l.off, l.capLog)
		l = postList{off: s[0], n: 1}
	}
	f.small.set(term, l)
}

// postPool holds the ordinal lists of small terms in large pointer-free
// chunks. A list lives in a region of a power-of-two capacity; a freed
// region goes to the free list of its size and is reused.
type postPool struct {
	chunks [][]uint32
	free   [16][]uint32 // offsets of free regions by capLog
}

const (
	poolChunkLog = 20 // 1 Mi ordinals (4 MiB) per chunk
	poolChunk    = 1 << poolChunkLog
)

func (p *postPool) slice(off uint32, n int) []uint32 {
	c := p.chunks[off>>poolChunkLog]
	i := int(off & (poolChunk - 1))
	return c[i : i+n : i+n]
}

func (p *postPool) alloc(capLog uint8) uint32 {
	if fl := p.free[capLog]; len(fl) > 0 {
		off := fl[len(fl)-1]
		p.free[capLog] = fl[:len(fl)-1]
		return off
	}
	size := 1 << capLog
	n := len(p.chunks)
	if n == 0 || len(p.chunks[n-1])+size > poolChunk {
		p.chunks = append(p.chunks, offheap[uint32](0, poolChunk))
		n++
	}
	c := &p.chunks[n-1]
	off := uint32(n-1)<<poolChunkLog | uint32(len(*c))
	*c = (*c)[:len(*c)+size]
	return off
}

func (p *postPool) release(off uint32, capLog uint8) {
	p.free[capLog] = append(p.free[capLog], off)
}

// size is the pool's memory in bytes.
func (p *postPool) size() int {
	return len(p.chunks) * poolChunk * 4
}
