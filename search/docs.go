package search

import (
	"math"
	"math/bits"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/search/analysis"
	"github.com/pursuit-gov/pursuit/titles"
)

// Contact text fields, in the order of field arrays.
const (
	fName = iota
	fTitle
	fDept
	fEmail
	numFields
)

var fieldNames = [numFields]string{"name", "title", "dept", "email"}

// Place text fields.
const (
	pfName = iota
	pfCounty
	numPlaceFields
)

// contactDoc is one contact as the index keeps it, but for what its
// hotDoc holds (place, title, department, class, email status, static
// score, field lengths: not twice): the owner interned, the text one
// record of the arena (text.go), times as Unix microseconds, updated_at
// by reference to the one of the others it equals (every contact of the
// seed: 40 bytes a contact rather than 48).
type contactDoc struct {
	id       int64
	packed   uint64 // arena ref of the text record
	verified int64
	created  int64
	owner    uint32 // in Index.owners
	alive    bool
	upd      uint8 // where updated_at is: updZero, updVerified, updCreated or updOwn
}

// How a contactDoc keeps updated_at.
const (
	updZero     = iota // the zero time
	updVerified        // verified_at's
	updCreated         // created_at's
	updOwn             // in Index.updatedAt
)

// updKind returns how a contact's document keeps its updated_at (all in
// Unix microseconds), keeping it in ix.updatedAt by id when no other
// field has it. Callers hold mu, or are Build's only writer of
// updatedAt.
func (ix *Index) updKind(id, verified, created, updated int64) uint8 {
	k := uint8(updOwn)
	switch {
	case updated == 0:
		k = updZero
	case updated == verified:
		k = updVerified
	case updated == created:
		k = updCreated
	}
	if k == updOwn {
		if ix.updatedAt == nil {
			ix.updatedAt = map[int64]int64{}
		}
		ix.updatedAt[id] = updated
	} else if len(ix.updatedAt) > 0 {
		delete(ix.updatedAt, id)
	}
	return k
}

// updated returns a contact's updated_at in Unix microseconds.
func (ix *Index) updated(d *contactDoc) int64 {
	switch d.upd {
	case updVerified:
		return d.verified
	case updCreated:
		return d.created
	case updOwn:
		return ix.updatedAt[d.id]
	}
	return 0
}

// newContact is a contact's document and hot entry, as newDoc makes them.
type newContact struct {
	d contactDoc
	h hotDoc
}

const sep = "\x1f"

// hotDoc is the part of a contact the ranking and facet walks read, kept
// in a dense array of its own beside Index.contacts (by ordinal): a walk
// over a million contacts then streams 16 bytes per contact instead of
// 64. The document does not hold these fields again.
type hotDoc struct {
	place             uint32 // place ordinal
	title             uint32 // in Index.titles
	dept              uint32 // in Index.depts
	static            float32
	nameLen, emailLen uint8
	class             uint8 // function*8 + seniority (fits the struct's padding)
	email             uint8 // email_status, an index of pursuit.EmailStatuses
}

// placeHot is the part of a place the facet walk reads.
type placeHot struct {
	vendorSpells    []uint32
	stateID, typeID uint16
}

// syncPlaceHot copies a place's hot fields into Index.placeHot.
func (ix *Index) syncPlaceHot(ord uint32) {
	for len(ix.placeHot) <= int(ord) {
		ix.placeHot = append(ix.placeHot, placeHot{})
	}
	pd := &ix.places[ord]
	ix.placeHot[ord] = placeHot{vendorSpells: pd.vendorSpells, stateID: pd.stateID, typeID: pd.typeID}
}

// putContact appends c's text record (text.go) to the arena and returns
// its reference. A record longer than a reference's length field (64 KiB)
// reads on past it: records delimit themselves.
func (a *arena) putContact(c *pursuit.Contact) uint64 {
	a.buf = a.encodeContact(a.buf[:0], c)
	rec := a.buf
	if len(rec) > arenaChunk {
		// Fields over 64 MiB in all: the store refuses them long before.
		cc := *c
		cc.Name, cc.FirstName, cc.LastName, cc.Email, cc.Phone = "", "", "", "", ""
		rec = a.encodeContact(a.buf[:0], &cc)
	}
	k, off := appendChunk(&a.chunks, rec, arenaChunk)
	return uint64(k)<<48 | uint64(off)<<16 | uint64(min(len(rec), 0xffff))
}

// appendChunk appends b to the last of chunks (off-heap arrays that never
// move), or to a new one of capacity size when it does not fit, and
// returns the chunk's index and b's offset in it.
func appendChunk(chunks *[][]byte, b []byte, size int) (k, off int) {
	k = len(*chunks) - 1
	if k < 0 || len((*chunks)[k])+len(b) > cap((*chunks)[k]) {
		*chunks = append(*chunks, offheap[byte](0, size))
		k++
	}
	c := &(*chunks)[k]
	off = len(*c)
	*c = append(*c, b...)
	return k, off
}

// record decodes the text record of a reference (the zero record for 0).
func (a *arena) record(ref uint64) textRecord {
	if ref&0xffff == 0 {
		return textRecord{}
	}
	c := a.chunks[ref>>48]
	off := int(ref >> 16 & 0xffffffff)
	r, _, ok := decodeRecord(unsafe.String(&c[off], len(c)-off), &a.domains, &a.words)
	if !ok {
		return textRecord{} // check (snapbody.go) refuses a snapshot with one
	}
	return r
}

// unpack returns a contact's text fields.
func (ix *Index) unpack(d *contactDoc) (name, first, last, email, phone string) {
	r := ix.arena.record(d.packed)
	return r.nameOf(), r.first, r.last, r.emailOf(&ix.arena.domains), r.phoneOf()
}

// arena holds the contacts' text records (text.go) in large chunks, so
// that the documents hold no pointers and the garbage collector never
// scans them, and the dictionary of their email domains. Text is never
// changed or freed once written; an updated contact's old text stays
// until the next build.
type arena struct {
	chunks  [][]byte
	domains dict   // email domains
	words   dict   // first and last names
	buf     []byte // putContact's
}

const arenaChunk = 64 << 20

// size is the arena's memory.
func (a *arena) size() int64 { return int64(len(a.chunks))*arenaChunk + a.dictBytes() }

// dictBytes estimates the dictionaries' memory (on the Go heap).
func (a *arena) dictBytes() int64 { return a.domains.bytes() + a.words.bytes() }

// ordMap maps contact ids to ordinals: a slice for the usual dense ids,
// a map for the rest.
type ordMap struct {
	dense   []uint32 // ordinal+1 by id; 0 is absent; off the Go heap
	sparse  map[int64]uint32
	n       int
	retired *[]func() // the index's: where a mapping grown out of goes
}

const maxDenseID = 1 << 28

func (m *ordMap) get(id int64) (uint32, bool) {
	if id >= 0 && id < int64(len(m.dense)) {
		v := m.dense[id]
		return v - 1, v != 0
	}
	v, ok := m.sparse[id]
	return v, ok
}

func (m *ordMap) set(id int64, ord uint32) {
	if id >= 0 && id < maxDenseID {
		if id >= int64(len(m.dense)) {
			n := max(int(id)+1, len(m.dense)*5/4, 1024)
			m.dense = growOffTo(m.retired, m.dense, n)
		}
		if m.dense[id] == 0 {
			m.n++
		}
		m.dense[id] = ord + 1
		return
	}
	if m.sparse == nil {
		m.sparse = map[int64]uint32{}
	}
	if _, ok := m.sparse[id]; !ok {
		m.n++
	}
	m.sparse[id] = ord
}

func (h *hotDoc) function() int  { return int(h.class >> 3) }
func (h *hotDoc) seniority() int { return int(h.class & 7) }

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// placeDoc is one place and what the index derives from it.
type placeDoc struct {
	p        placeCore
	contacts []uint32 // ordinals of its live contacts
	techs    []int64  // tech_stack ids
	// vendors, products and categories of its tech stack, lower-cased and
	// without duplicates.
	vendors, products, categories []string
	// vendorSpells are the spellings of vendors (in Index.spells): of
	// each, the smallest of the place's rows with the vendor.
	vendorSpells       []uint32
	stateID, typeID    uint16 // in Index.small
	nameLen, countyLen uint8
	alive              bool
}

// techRow is the part of a tech_stack row the index keeps.
type techRow struct {
	place                     int64
	vendor, product, category uint32 // in Index.names
	spelling                  uint32 // the vendor as written, in Index.spells
}

// mappingRow is the part of a customer_mapping row the index keeps.
type mappingRow struct {
	customer, place, contact int64
	owner                    uint32 // normalised account_owner, in Index.names (0: none)
}

// text is an interned field value with its analysis.
type text struct {
	s     string
	terms []termTF // distinct index terms and their frequency
	plain []string // for phrases
	canon []string
	n     int // number of terms, for length normalisation
}

type termTF struct {
	term string
	tf   uint8
}

// interner assigns ids to distinct strings. Id 0 is the empty string.
// Ids are never freed: a value no live row has any more keeps its id.
type interner struct {
	ids  map[string]uint32
	vals []text
	// A keyed interner (newKeyedInterner: of facet values) also numbers
	// the normalised forms (normKey) of its values: keyOf[id] is value
	// id's form, keyIDs a form's number, keyNames[k] form k and keyVals[k]
	// the values (spellings) of form k.
	keyOf    []uint32
	keyIDs   map[string]uint32
	keyNames []string
	keyVals  [][]uint32
}

func newInterner() *interner {
	return &interner{ids: map[string]uint32{"": 0}, vals: []text{{}}}
}

func newKeyedInterner() *interner {
	in := newInterner()
	in.keyIDs = map[string]uint32{"": 0}
	in.keyOf, in.keyNames, in.keyVals = []uint32{0}, []string{""}, [][]uint32{{0}}
	return in
}

func (in *interner) intern(a *analysis.Analyzer, s string, analyse bool) uint32 {
	if id, ok := in.ids[s]; ok {
		return id
	}
	t := text{s: s}
	if analyse {
		t.plain = a.Plain(s)
		t.canon = analysis.CanonicalTerms(t.plain)
		all := a.Terms(s, nil)
		t.n = len(all)
		t.terms = countTerms(all)
	}
	id := uint32(len(in.vals))
	in.vals = append(in.vals, t)
	in.ids[s] = id
	if in.keyIDs != nil {
		name := normKey(s)
		k, ok := in.keyIDs[name]
		if !ok {
			k = uint32(len(in.keyNames))
			in.keyIDs[name] = k
			in.keyNames, in.keyVals = append(in.keyNames, name), append(in.keyVals, nil)
		}
		in.keyOf = append(in.keyOf, k)
		in.keyVals[k] = append(in.keyVals[k], id)
	}
	return id
}

func countTerms(all []string) []termTF {
	var out []termTF
next:
	for _, t := range all {
		for i := range out {
			if out[i].term == t {
				if out[i].tf < 255 {
					out[i].tf++
				}
				continue next
			}
		}
		out = append(out, termTF{t, 1})
	}
	return out
}

// bitmaps is a set of bitmaps keyed by value.
type bitmaps map[string]*roaring.Bitmap

func (m bitmaps) add(key string, ord uint32) {
	bm := m[key]
	if bm == nil {
		bm = roaring.New()
		m[key] = bm
	}
	bm.Add(ord)
}

func (m bitmaps) addMany(key string, ords []uint32) {
	bm := m[key]
	if bm == nil {
		bm = roaring.New()
		m[key] = bm
	}
	addMany(bm, ords)
}

func (m bitmaps) remove(key string, ord uint32) {
	if bm := m[key]; bm != nil {
		bm.Remove(ord)
		if bm.IsEmpty() {
			delete(m, key)
		}
	}
}

// rangeIndex answers range filters over an int64 value with bitmaps of
// buckets. A bucket wholly inside the range is taken whole; the docs of a
// bucket on the range's edge are checked one by one.
type rangeIndex struct {
	bucket  func(v int64) int
	buckets map[int]*rangeBucket
	gen     uint64 // counts changes, under the index's write lock

	// full caches, by [lo, hi], the union of the buckets wholly within
	// the range, made at generation fullGen.
	mu      sync.Mutex
	fullGen uint64
	full    map[[2]int64]*roaring.Bitmap
}

type rangeBucket struct {
	bm       *roaring.Bitmap
	min, max int64 // bounds of every value ever added: only ever widen
}

func newRangeIndex(bucket func(int64) int) *rangeIndex {
	return &rangeIndex{bucket: bucket, buckets: make(map[int]*rangeBucket)}
}

func (r *rangeIndex) add(ord uint32, v int64) {
	r.widen(r.bucket(v), v).bm.Add(ord)
	r.gen++
}

// widen returns bucket k, created if need be, its bounds widened to v.
func (r *rangeIndex) widen(k int, v int64) *rangeBucket {
	b := r.buckets[k]
	if b == nil {
		b = &rangeBucket{bm: roaring.New(), min: v, max: v}
		r.buckets[k] = b
	}
	b.min, b.max = min(b.min, v), max(b.max, v)
	return b
}

func (r *rangeIndex) remove(ord uint32, v int64) {
	if b := r.buckets[r.bucket(v)]; b != nil {
		b.bm.Remove(ord)
		r.gen++
	}
}

// query returns the docs of within whose value is in [lo, hi]: within
// and the union of the buckets wholly in the range (cached: a search
// repeats the ranges of the searches before it), and the docs of the
// buckets at the edges whose own value is in the range. Callers hold the
// index's read lock at least.
func (r *rangeIndex) query(lo, hi int64, within *roaring.Bitmap, value func(uint32) int64) *roaring.Bitmap {
	out := roaring.And(within, r.fullUnion(lo, hi))
	var edges []uint32
	for _, b := range r.buckets {
		if b.max < lo || b.min > hi || lo <= b.min && b.max <= hi {
			continue
		}
		edge := roaring.And(b.bm, within)
		it := edge.Iterator()
		for it.HasNext() {
			o := it.Next()
			if v := value(o); v >= lo && v <= hi {
				edges = append(edges, o)
			}
		}
	}
	if len(edges) > 0 {
		// One union, not an Add per doc into the run containers of out.
		out.Or(roaring.BitmapOf(edges...))
	}
	return out
}

// fullUnion returns the union of the buckets wholly within [lo, hi], read
// only.
func (r *rangeIndex) fullUnion(lo, hi int64) *roaring.Bitmap {
	key := [2]int64{lo, hi}
	r.mu.Lock()
	if r.fullGen != r.gen || r.full == nil {
		r.full, r.fullGen = map[[2]int64]*roaring.Bitmap{}, r.gen
	}
	bm := r.full[key]
	r.mu.Unlock()
	if bm != nil {
		return bm
	}
	var bms []*roaring.Bitmap
	for _, b := range r.buckets {
		if lo <= b.min && b.max <= hi && !b.bm.IsEmpty() {
			bms = append(bms, b.bm)
		}
	}
	bm = roaring.New()
	if len(bms) > 0 {
		bm = orAll(bms)
	}
	r.mu.Lock()
	if r.fullGen == r.gen {
		if len(r.full) >= 64 {
			clear(r.full)
		}
		r.full[key] = bm
	}
	r.mu.Unlock()
	return bm
}

// popBucket buckets populations by quarter powers of two.
func popBucket(v int64) int {
	if v <= 0 {
		return 0
	}
	n := bits.Len64(uint64(v))
	if n <= 3 {
		return n
	}
	return n*4 + int(uint64(v)>>(n-3))&3
}

// monthBucket buckets Unix microseconds by 30-day months.
func monthBucket(us int64) int { return int(us / (30 * 24 * 3600 * 1e6)) }

// seniorityLevel is the seniority signal of each of titles.Seniorities.
func seniorityLevel(i int) float64 {
	if i >= 0 && i < len(titles.Seniorities) {
		switch titles.Seniorities[i] {
		case titles.SeniorityElected, titles.SeniorityExecutive:
			return 1
		case titles.SeniorityDirector:
			return 0.75
		case titles.SeniorityManager:
			return 0.5
		}
	}
	return 0.25
}

// staticScore is the query-independent part of a contact's score.
func (ix *Index) staticScore(d *contactDoc, h *hotDoc, pop int64) float32 {
	w := &ix.w
	s := w.Seniority * seniorityLevel(h.seniority())
	s += w.Population * math.Min(1, math.Log10(float64(max(pop, 0))+1)/7)
	if d.verified != 0 && w.RecencyHalfLife > 0 {
		age := float64(ix.refTime - d.verified)
		if age < 0 {
			age = 0
		}
		s += w.Recency * math.Exp2(-age/float64(w.RecencyHalfLife.Microseconds()))
	}
	return float32(s)
}

// numTiers is how many static-score tiers filter-only searches walk.
const numTiers = 64

func (ix *Index) tierOf(s float32) int {
	t := int(float64(s) / ix.maxStatic * numTiers)
	return min(max(t, 0), numTiers-1)
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

func normKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// emailStatusIndex returns the index of an email_status in
// pursuit.EmailStatuses; empty (and anything the store would not have
// written) is unverified.
func emailStatusIndex(s string) uint8 {
	if i := indexOf(pursuit.EmailStatuses, s); i >= 0 {
		return uint8(i)
	}
	return uint8(indexOf(pursuit.EmailStatuses, pursuit.EmailUnverified))
}
