package search

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/search/analysis"
	"github.com/pursuit-gov/pursuit/titles"
)

// counter is a Source that counts a table's rows (every pursuit.Store),
// which lets Build size its arrays once.
type counter interface {
	Count(ctx context.Context, table string) (int64, error)
}

// readContacts turns the scanned contacts into documents, in scan order,
// with each one's place_id: the place ordinals are set by loadContacts,
// once the places are in. It runs on a goroutine of its own while Build
// indexes the places and the tech stack, so it touches only what contact
// documents alone use (the arena and the title, department and owner
// interners), with an analyser of its own.
func (ix *Index) readContacts(ctx context.Context, sc contactScan) ([]newContact, []int64, error) {
	var docs []newContact
	var pids []int64
	if c, ok := ix.src.(counter); ok {
		if n, err := c.Count(ctx, pursuit.TableContacts); err == nil && n > 0 {
			docs = offheap[newContact](int(n+n/32), int(n+n/32))
			pids = make([]int64, len(docs))
		}
	}
	// Take batches from every part as they come. With two parts and the
	// count known, the first fills docs from the front and the second
	// from the back, so the documents take one array (the peak memory of
	// the build is set here); whatever does not fit goes to over.
	front, back := 0, len(docs)
	over := make([][]newContact, len(sc.parts))
	overP := make([][]int64, len(sc.parts))
	put := func(part int, d newContact, pid int64) {
		switch {
		case part == 0 && front < back && len(over[0]) == 0:
			docs[front], pids[front] = d, pid
			front++
		case part == 1 && len(sc.parts) == 2 && front < back && len(over[1]) == 0:
			back--
			docs[back], pids[back] = d, pid
		default:
			over[part] = append(over[part], d)
			overP[part] = append(overP[part], pid)
		}
	}
	var a analysis.Analyzer
	cases := make([]reflect.SelectCase, len(sc.parts))
	for i, p := range sc.parts {
		cases[i] = reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(p)}
	}
	for open := len(cases); open > 0; {
		i, v, ok := reflect.Select(cases)
		if !ok {
			cases[i].Chan = reflect.Value{}
			open--
			continue
		}
		batch := v.Interface().([]pursuit.Contact)
		for j := range batch {
			put(i, ix.newDoc(&a, &batch[j], 0), batch[j].PlaceID)
		}
		sc.done(batch)
	}
	for _, e := range sc.errs {
		if err := <-e; err != nil {
			return nil, nil, fmt.Errorf("build index: scan contacts: %w", err)
		}
	}
	return joinParts(docs, front, back, over), joinParts(pids, front, back, overP), nil
}

// joinParts joins what readContacts put: the front, the overflow of part
// 0, the back (filled in reverse), the overflow of the other parts.
func joinParts[T any](arr []T, front, back int, over [][]T) []T {
	slices.Reverse(arr[back:])
	if len(over[0]) == 0 {
		// The usual case: move the back down in place.
		n := copy(arr[front:], arr[back:])
		arr = arr[:front+n]
	} else {
		tail := append(slices.Clone(over[0]), arr[back:]...)
		arr = append(arr[:front], tail...)
	}
	for _, o := range over[1:] {
		arr = append(arr, o...)
	}
	return arr
}

// loadContacts takes the contacts of Build in, after readContacts: it
// numbers them by (state, place, id), so that each place's contacts, and
// each state's, are a run of ordinals, and hands them all to
// indexContacts, the writer following uses one contact at a time; wait
// waits for its name and email analysis (indexContactsAsync). Callers
// hold mu.
func (ix *Index) loadContacts(ctx context.Context, docs []newContact, pids []int64) (wait func(), err error) {
	for i := range docs {
		docs[i].h.place = ix.ensurePlace(pids[i])
	}
	pids = nil
	t0 := time.Now()
	ix.log.Debug("index contact places resolved", "contacts", len(docs))

	// Order places by (state, id) and counting-sort the contacts by it;
	// the scan is in id order, so each place's contacts stay in id order.
	rank := make([]uint32, len(ix.places))
	porder := make([]uint32, len(ix.places))
	for i := range porder {
		porder[i] = uint32(i)
	}
	slices.SortFunc(porder, func(a, b uint32) int {
		pa, pb := &ix.places[a].p, &ix.places[b].p
		if pa.StateAbbr != pb.StateAbbr {
			if pa.StateAbbr < pb.StateAbbr {
				return -1
			}
			return 1
		}
		return int(pa.PlaceID - pb.PlaceID)
	})
	for r, o := range porder {
		rank[o] = uint32(r)
	}
	start := make([]int, len(ix.places)+1)
	for i := range docs {
		start[rank[docs[i].h.place]+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	// Each document goes straight to its slot in the index's arrays of
	// documents and hot entries (with the build array's room); the
	// build's array is unmapped after.
	ix.contacts = offheap[contactDoc](len(docs), cap(docs))
	ix.hot = offheap[hotDoc](len(docs), cap(docs))
	next := start[:len(ix.places)]
	for i := range docs {
		r := rank[docs[i].h.place]
		j := next[r]
		next[r]++
		ix.contacts[j], ix.hot[j] = docs[i].d, docs[i].h
	}
	offheapFree(docs)
	docs = nil
	n := len(ix.contacts)
	if n == 0 {
		return func() {}, ctx.Err()
	}

	ords := make([]uint32, n)
	for o := range ords {
		ords[o] = uint32(o)
		ix.contactOrd.set(ix.contacts[o].id, uint32(o))
	}
	ix.log.Debug("index contacts sorted", "elapsed", time.Since(t0))
	return ix.indexContactsAsync(ords, adding), ctx.Err()
}

// contactScan is the contacts of a source streaming in: parts, in id
// order of the parts, each in batches on a goroutine of its own.
type contactScan struct {
	parts []<-chan []pursuit.Contact
	errs  []<-chan error
	// free takes the batches the reader is done with back to the
	// scanners, which refill them instead of allocating: at the seed's
	// scale fresh batches were ~1 GB of the build's allocations.
	free chan []pursuit.Contact
}

// done hands a batch the reader has taken apart back to the scanners.
func (sc *contactScan) done(batch []pursuit.Contact) {
	clear(batch) // its strings are garbage now
	select {
	case sc.free <- batch[:0]:
	default:
	}
}

// rangeSource is a Source that can split the contacts scan by id, so that
// Build reads them over two connections at once (reading is most of a
// build). Every pursuit.Store is one.
type rangeSource interface {
	ScanContactsRange(ctx context.Context, lo, hi int64, fn func(pursuit.Contact) error) error
	ContactIDBounds(ctx context.Context) (lo, hi int64, err error)
}

// scanContacts starts streaming the contacts of src.
func scanContacts(ctx context.Context, src Source) contactScan {
	sc := contactScan{free: make(chan []pursuit.Contact, 16)}
	add := func(scan func(fn func(pursuit.Contact) error) error) {
		b, e := scanBatches(ctx, scan, sc.free)
		sc.parts, sc.errs = append(sc.parts, b), append(sc.errs, e)
	}
	if rs, ok := src.(rangeSource); ok {
		lo, hi, err := rs.ContactIDBounds(ctx)
		if err == nil && hi > lo {
			mid := lo + (hi-lo)/2
			add(func(fn func(pursuit.Contact) error) error { return rs.ScanContactsRange(ctx, lo, mid, fn) })
			add(func(fn func(pursuit.Contact) error) error { return rs.ScanContactsRange(ctx, mid, hi+1, fn) })
			return sc
		}
	}
	add(func(fn func(pursuit.Contact) error) error { return src.ScanContacts(ctx, fn) })
	return sc
}

// scanBatches runs scan on a goroutine, sending what it reads in batches,
// taken from free when there are any. The error channel receives the
// scan's result once the batch channel is closed.
func scanBatches(ctx context.Context, scan func(fn func(pursuit.Contact) error) error, free chan []pursuit.Contact) (<-chan []pursuit.Contact, <-chan error) {
	const size = 2048
	batches := make(chan []pursuit.Contact, 8)
	errc := make(chan error, 1)
	next := func() []pursuit.Contact {
		select {
		case b := <-free:
			return b
		default:
			return make([]pursuit.Contact, 0, size)
		}
	}
	go func() {
		defer close(errc)
		batch := next()
		send := func() error {
			select {
			case batches <- batch:
				batch = next()
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		err := scan(func(c pursuit.Contact) error {
			batch = append(batch, c)
			if len(batch) == size {
				return send()
			}
			return nil
		})
		if err == nil && len(batch) > 0 {
			err = send()
		}
		close(batches)
		errc <- err
	}()
	return batches, errc
}

// newDoc makes the document of a contact, without its ordinal-dependent
// parts. Callers hold mu.
func (ix *Index) newDoc(a *analysis.Analyzer, c *pursuit.Contact, place uint32) newContact {
	d := contactDoc{
		id:       c.ContactID,
		packed:   ix.arena.putContact(c),
		verified: micros(c.VerifiedAt),
		created:  micros(c.CreatedAt),
		upd:      ix.updKind(c.ContactID, micros(c.VerifiedAt), micros(c.CreatedAt), micros(c.UpdatedAt)),
		owner:    ix.owners.intern(a, c.AccountOwner, false),
		alive:    true,
	}
	h := hotDoc{
		place: place,
		title: ix.titles.intern(a, c.Title, true),
		dept:  ix.depts.intern(a, c.Department, true),
		email: emailStatusIndex(c.EmailStatus),
	}
	key := [2]uint32{h.title, h.dept}
	class, ok := ix.classes[key]
	if !ok {
		f, s := titles.Classify(c.Title, c.Department)
		class = uint8(max(indexOf(titles.Functions, f), 0)<<3 | max(indexOf(titles.Seniorities, s), 0))
		ix.classes[key] = class
		ix.pairs = append(ix.pairs, key)
	}
	h.class = class
	return newContact{d, h}
}
