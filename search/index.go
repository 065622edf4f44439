package search

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/search/analysis"
	"github.com/pursuit-gov/pursuit/titles"
)

// Index is the in-memory search index. Its methods are safe for concurrent
// use: searches run under a read lock, and changes are applied in short
// batches under the write lock (the rows are read from the store before
// the lock is taken).
type Index struct {
	src       Source
	opt       Options
	w         Weights
	log       *slog.Logger
	refTime   int64 // Unix µs the recency signal is measured from
	maxStatic float64
	facetWalk uint64 // see the facetWalk constant
	subsetMin uint64 // see the subsetMin constant
	pruneMin  uint64 // see the pruneMin constant
	orderMin  uint64 // see the orderMin constant
	// orderAsk, when not 0, is how many times rankByOrder asks the
	// bitmaps whether a contact is in the result before it writes the
	// result out flat (by default a 32nd of the flat array's words);
	// tests set it to take one way or the other.
	orderAsk int
	// phraseByOrderMin: see the phraseByOrderMin constant.
	phraseByOrderMin uint64
	// lensDeferred is set by Build while it applies the grants beside
	// the name and email analysis: the customers' length sums are not
	// kept (recountLens counts them after).
	lensDeferred bool

	order         atomic.Pointer[rankOrder] // nil until built (order.go)
	orderBuilding atomic.Bool
	orderPending  *roaring.Bitmap // contacts added again while an order is sorted (buildOrder)
	orderSorted   func()          // tests: called while an order is sorted, with no lock held
	orderDirtyMax uint64          // see the orderDirtyMax constant

	sealer  *sealer // seals and opens cursors
	storeFP uint64  // storeFingerprint of the cursor key: which store this is

	applyMu sync.Mutex // serialises Sync and Follow
	notify  chan struct{}
	clock   followClock   // zero: the real one
	subs    subscribers   // see Subscribe
	synced  chan struct{} // closed and replaced when seq moves; see WaitSeq

	mu sync.RWMutex
	a  analysis.Analyzer // used under mu (write side only)

	contacts   []contactDoc
	updatedAt  map[int64]int64 // updated_at of the contacts (by id) whose documents say updOwn
	contactOrd ordMap
	hot        []hotDoc // by ordinal, written with the document (write.go)
	placeHot   []placeHot
	arena      arena
	alive      *roaring.Bitmap
	fields     [numFields]*field
	titles     *interner
	depts      *interner
	owners     *interner
	classes    map[[2]uint32]uint8
	pairs      [][2]uint32 // the keys of classes, in a slice
	pairDocs   *field      // contacts by (title, department), keyed by pairKey

	states, types, deptKeys bitmaps
	functions, seniorities  []*roaring.Bitmap
	emailStatuses           []*roaring.Bitmap // by pursuit.EmailStatuses
	hasEmail, hasPhone      *roaring.Bitmap
	vendors, products, cats bitmaps
	pop, verified           *rangeIndex
	tiers                   [numTiers]*roaring.Bitmap

	places     []placeDoc
	placeOrd   map[int64]uint32
	placeAlive *roaring.Bitmap
	pfields    [numPlaceFields]*field
	pstates    bitmaps
	ptypes     bitmaps
	pvendors   bitmaps
	pproducts  bitmaps
	pcats      bitmaps
	ppop       *rangeIndex
	techs      idTable[techRow]

	customers   map[int64]*customer
	mappings    idTable[mappingRow]
	names       *interner // tech vendors, products, categories and mapping owners, normalised
	spells      *interner // tech vendors as written, for facet labels
	small       *interner // states and place types
	placeCust   custLists // place id → customers with a grant or mapping on it
	contactCust custLists // contact id → customers with a grant or mapping on it

	seq         int64
	snapSeq     atomic.Int64       // seq of the snapshot last loaded or written; -1: none
	version     int64              // counts applied batches
	dirtyCust   map[int64]struct{} // customers whose sets the batch being applied changed (keep.go)
	ors         orCache
	dfs         dfCache
	facets      facetCache
	applied     int64
	lastApplied time.Time
	buildTime   time.Duration
	retired     []func() // mappings to free at the end of a batch (offheap.go)

	frozen      [numFrozen]int64 // bytes of bitmaps frozenBitmaps moved off the heap, by group
	frozenSlabs *[][]byte        // their slabs (freeze.go)
}

func newIndex(src Source, opt Options) *Index {
	ix := &Index{
		src: src, opt: opt, w: DefaultWeights, log: opt.Logger,
		facetWalk:        facetWalk,
		subsetMin:        subsetMin,
		pruneMin:         pruneMin,
		orderMin:         orderMin,
		orderDirtyMax:    orderDirtyMax,
		phraseByOrderMin: phraseByOrderMin,
		notify:           make(chan struct{}, 1),
		synced:           make(chan struct{}),
		alive:            roaring.New(),
		titles:           newInterner(),
		depts:            newKeyedInterner(),
		owners:           newInterner(),
		classes:          make(map[[2]uint32]uint8),
		states:           bitmaps{},
		types:            bitmaps{},
		deptKeys:         bitmaps{},
		hasEmail:         roaring.New(),
		hasPhone:         roaring.New(),
		vendors:          bitmaps{},
		products:         bitmaps{},
		cats:             bitmaps{},
		pop:              newRangeIndex(popBucket),
		verified:         newRangeIndex(monthBucket),
		placeOrd:         make(map[int64]uint32),
		placeAlive:       roaring.New(),
		pstates:          bitmaps{},
		ptypes:           bitmaps{},
		pvendors:         bitmaps{},
		pproducts:        bitmaps{},
		pcats:            bitmaps{},
		ppop:             newRangeIndex(popBucket),
		customers:        make(map[int64]*customer),
		names:            newInterner(),
		spells:           newKeyedInterner(),
		small:            newInterner(),
	}
	ix.snapSeq.Store(-1)
	ix.contactOrd.retired = &ix.retired
	ix.techs.retired = &ix.retired
	ix.mappings.retired = &ix.retired
	ix.placeCust.retired, ix.contactCust.retired = &ix.retired, &ix.retired
	ix.arena.domains.retired, ix.arena.words.retired = &ix.retired, &ix.retired
	if opt.Weights != nil {
		ix.w = *opt.Weights
	}
	if ix.log == nil {
		ix.log = slog.New(slog.DiscardHandler)
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	// Recency is measured from the start of the UTC day the index is
	// built: two indexes built the same day over the same store then
	// score every contact alike, bit for bit, so a cursor one of them
	// made continues on the other (a fleet's servers, a rebuild) without
	// repeating or skipping a hit whose static score moved by the second
	// between the builds. A day is nothing to a half-life of a year.
	ix.refTime = now().UTC().Truncate(24 * time.Hour).UnixMicro()
	ix.maxStatic = ix.w.Seniority + ix.w.Population + ix.w.Recency
	if ix.maxStatic <= 0 {
		ix.maxStatic = 1
	}
	for i := range ix.fields {
		ix.fields[i] = newField()
	}
	for i := range ix.pfields {
		ix.pfields[i] = newField()
	}
	ix.pairDocs = newField()
	for i := range ix.tiers {
		ix.tiers[i] = roaring.New()
	}
	ix.functions = make([]*roaring.Bitmap, len(titles.Functions))
	for i := range ix.functions {
		ix.functions[i] = roaring.New()
	}
	ix.emailStatuses = make([]*roaring.Bitmap, len(pursuit.EmailStatuses))
	for i := range ix.emailStatuses {
		ix.emailStatuses[i] = roaring.New()
	}
	ix.seniorities = make([]*roaring.Bitmap, len(titles.Seniorities))
	for i := range ix.seniorities {
		ix.seniorities[i] = roaring.New()
	}
	return ix
}

// Build scans src into a new index. The index remembers the change_log
// sequence number read before the scan; Follow or Sync applies the changes
// after it (re-applying a change the scan already saw is harmless).
func Build(ctx context.Context, src Source, opt Options) (*Index, error) {
	start := time.Now()
	building.Add(1) // huge pages for the build's big arrays (offheap)
	defer building.Add(-1)
	ix := newIndex(src, opt)
	key, err := cursorKey(ctx, src, opt)
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	if err := ix.setKey(key); err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	seq, err := src.LastSeq(ctx)
	if err != nil {
		return nil, fmt.Errorf("build index: read last seq: %w", err)
	}
	ix.seq = seq
	ix.mu.Lock()
	defer ix.mu.Unlock()

	// Contacts stream in over two connections and become documents on a
	// goroutine of their own while the places and tech stack are indexed:
	// reading the store is half of the build.
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type read struct {
		docs []newContact
		pids []int64
		err  error
	}
	readc := make(chan read, 1)
	go func() {
		docs, pids, err := ix.readContacts(sctx, scanContacts(sctx, src))
		readc <- read{docs, pids, err}
	}()
	// On an early return, stop the reader and wait for it: it uses the
	// index's interners.
	waitRead := func() read { return <-readc }
	readDone := false
	defer func() {
		if !readDone {
			cancel()
			waitRead()
		}
	}()

	if c, ok := src.(counter); ok {
		// Room for every place: appending one at a time copied the
		// growing array of documents (pointers, so with write barriers)
		// about twenty times.
		if n, err := c.Count(ctx, pursuit.TablePlaces); err == nil && n > 0 {
			ix.places = slices.Grow(ix.places, int(n))
		}
	}
	if err := src.ScanPlaces(ctx, func(p pursuit.Place) error {
		ix.putPlace(p)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("build index: scan places: %w", err)
	}
	// The tech stack in chunks: each place is derived once per chunk its
	// rows are in, not once per row.
	var techs []pursuit.TechStack
	if err := src.ScanTechStack(ctx, func(t pursuit.TechStack) error {
		if techs = append(techs, t); len(techs) == techChunk {
			ix.putTechs(techs)
			techs = techs[:0]
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("build index: scan tech_stack: %w", err)
	}
	ix.putTechs(techs)
	ix.log.Debug("index places loaded", "places", len(ix.places), "elapsed", time.Since(start))

	rd := waitRead()
	readDone = true
	if rd.err != nil {
		return nil, rd.err
	}
	ix.log.Debug("index contacts read", "contacts", len(rd.docs), "elapsed", time.Since(start))
	// The grants and mappings are read from the store while the contacts
	// are indexed, whose analysis leaves a core idle at times; they are
	// applied after (a place grant covers the place's indexed contacts).
	restc := make(chan buildRest, 1)
	go func() { restc <- readRest(sctx, src) }()
	waitText, err := ix.loadContacts(ctx, rd.docs, rd.pids)
	if err != nil {
		waitText()
		return nil, err
	}
	// The grants and mappings go in while the name and email analysis
	// finishes (the email field's goroutine runs last, a core idle
	// beside it); a grant's sums of field lengths need the lengths that
	// analysis sets, so they are counted after it (lensDeferred).
	ix.lensDeferred = true
	rest := <-restc
	if rest.err != nil {
		waitText()
		return nil, rest.err
	}
	for _, g := range rest.placeGrants {
		ix.putPlaceGrant(g.CustomerID, g.PlaceID, g.AccessType)
	}
	for _, g := range rest.contactGrants {
		ix.putContactGrant(g.CustomerID, g.ContactID, g.AccessType)
	}
	ix.log.Debug("index grants loaded", "elapsed", time.Since(start))
	for _, m := range rest.mappings {
		ix.putMapping(m)
	}
	rest = buildRest{}
	ix.log.Debug("index mappings loaded", "elapsed", time.Since(start))
	waitText()
	ix.lensDeferred = false
	for _, c := range ix.customers {
		ix.recountLens(c)
	}
	ix.log.Debug("index contacts indexed", "elapsed", time.Since(start))
	ix.optimize()
	ix.buildTime = time.Since(start)
	ix.lastApplied = time.Now()
	ix.log.Info("search index built", "contacts", ix.alive.GetCardinality(), "places", ix.placeAlive.GetCardinality(),
		"customers", len(ix.customers), "seq", seq, "elapsed", ix.buildTime)
	return ix, nil
}

// buildRest is what Build reads after the contacts: the grants and the
// mappings.
type buildRest struct {
	placeGrants   []pursuit.CustomerPlaceRelation
	contactGrants []pursuit.CustomerContactRelation
	mappings      []pursuit.CustomerMapping
	err           error
}

// readRest reads the grants and mappings of src.
func readRest(ctx context.Context, src Source) buildRest {
	var r buildRest
	// Sized from the row counts where the store gives them: grown by
	// doubling, the slices would hold twice their rows at the build's peak.
	if c, ok := src.(interface {
		Count(context.Context, string) (int64, error)
	}); ok {
		count := func(table string) int {
			n, err := c.Count(ctx, table)
			if err != nil || n < 0 {
				return 0
			}
			return int(n)
		}
		r.placeGrants = make([]pursuit.CustomerPlaceRelation, 0, count(pursuit.TableCustomerPlaceRelation))
		r.contactGrants = make([]pursuit.CustomerContactRelation, 0, count(pursuit.TableCustomerContactRelation))
		r.mappings = make([]pursuit.CustomerMapping, 0, count(pursuit.TableCustomerMapping))
	}
	if err := src.ScanPlaceGrants(ctx, func(g pursuit.CustomerPlaceRelation) error {
		r.placeGrants = append(r.placeGrants, g)
		return nil
	}); err != nil {
		return buildRest{err: fmt.Errorf("build index: scan customer_place_relation: %w", err)}
	}
	if err := src.ScanContactGrants(ctx, func(g pursuit.CustomerContactRelation) error {
		r.contactGrants = append(r.contactGrants, g)
		return nil
	}); err != nil {
		return buildRest{err: fmt.Errorf("build index: scan customer_contact_relation: %w", err)}
	}
	if err := src.ScanCustomerMappings(ctx, func(m pursuit.CustomerMapping) error {
		r.mappings = append(r.mappings, m)
		return nil
	}); err != nil {
		return buildRest{err: fmt.Errorf("build index: scan customer_mapping: %w", err)}
	}
	return r
}

// cursorKey returns the key cursors are sealed with: Options.CursorKey,
// or the store's shared secret.
func cursorKey(ctx context.Context, src Source, opt Options) ([]byte, error) {
	if opt.CursorKey != nil {
		return opt.CursorKey, nil
	}
	key, err := src.Secret(ctx, pursuit.SecretCursor, 32)
	if err != nil {
		return nil, fmt.Errorf("cursor key: %w", err)
	}
	return key, nil
}

// setKey makes the index seal cursors with key, and remember which store
// it is of (storeFingerprint) for its snapshots.
func (ix *Index) setKey(key []byte) error {
	sl, err := newSealer(key)
	if err != nil {
		return err
	}
	ix.sealer, ix.storeFP = sl, storeFingerprint(key)
	return nil
}

// techChunk is how many tech_stack rows Build hands putTechs at a time.
const techChunk = 8192

// optimize run-compresses the bitmaps after a build, and frees the
// build's garbage.
func (ix *Index) optimize() {
	opt := func(bm *roaring.Bitmap) { bm.RunOptimize() }
	for _, f := range append(ix.fields[:], ix.pairDocs) {
		for _, bm := range f.big {
			opt(bm)
		}
	}
	for _, m := range []bitmaps{ix.states, ix.types, ix.deptKeys, ix.vendors, ix.products, ix.cats} {
		for _, bm := range m {
			opt(bm)
		}
	}
	for _, bm := range ix.functions {
		opt(bm)
	}
	for _, bm := range ix.seniorities {
		opt(bm)
	}
	for _, bm := range ix.emailStatuses {
		opt(bm)
	}
	for _, bm := range ix.tiers {
		opt(bm)
	}
	opt(ix.alive)
	opt(ix.hasEmail)
	opt(ix.hasPhone)
	for _, c := range ix.customers {
		opt(c.visible)
		opt(c.full)
		opt(c.mapped)
	}
	// The build's garbage (rows, batches, the bitmaps' pre-optimisation
	// containers) is as big as the index: collect it and give its pages
	// back to the system now, or the process keeps them resident (half a
	// gigabyte at the seed's scale) until the scavenger gets to them; and
	// unmap what arrays grew out of (Build holds the write lock).
	ix.freeRetired()
	ix.relayout()
	ix.freezeBitmaps()
	debug.FreeOSMemory()
}

// Stats returns the index's statistics.
func (ix *Index) Stats() Stats {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := Stats{
		Contacts:      int(ix.alive.GetCardinality()),
		Places:        int(ix.placeAlive.GetCardinality()),
		Customers:     len(ix.customers),
		LastSeq:       ix.seq,
		SnapshotSeq:   ix.snapSeq.Load(),
		Applied:       ix.applied,
		BuildDuration: ix.buildTime,
		LastApplied:   ix.lastApplied,
	}
	var mem uint64
	for _, f := range ix.fields {
		s.Terms += f.numTerms()
		mem += uint64(f.small.memory()) + uint64(f.pool.size())
		for k, bm := range f.big {
			mem += bm.GetSizeInBytes() + uint64(len(k)) + 48
		}
	}
	// The pair postings are no terms, but memory.
	mem += uint64(ix.pairDocs.small.memory()) + uint64(ix.pairDocs.pool.size())
	for _, bm := range ix.pairDocs.big {
		mem += bm.GetSizeInBytes() + 56
	}
	for _, f := range ix.pfields {
		s.Terms += f.numTerms()
		mem += uint64(f.small.memory()) + uint64(f.pool.size())
		for k, bm := range f.big {
			mem += bm.GetSizeInBytes() + uint64(len(k)) + 48
		}
	}
	for _, c := range ix.customers {
		mem += c.visible.GetSizeInBytes() + c.full.GetSizeInBytes() + c.mapped.GetSizeInBytes()
		mem += uint64(len(c.contactGrant))*24 + uint64(len(c.placeGrant.dense)+len(c.placeGrant.has)*8+len(c.placeGrant.sparse)*24)
	}
	mem += uint64(ix.arena.size())
	mem += uint64(cap(ix.contacts)) * uint64(unsafe.Sizeof(contactDoc{}))
	mem += uint64(cap(ix.contactOrd.dense))*4 + uint64(len(ix.contactOrd.sparse))*16
	mem += uint64(cap(ix.places)) * 400
	s.MemoryBytes = int64(mem)
	return s
}
