package search

import (
	"slices"
	"sync"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/search/analysis"
	"github.com/pursuit-gov/pursuit/titles"
)

// This file holds the writers of the index's structures: one per kind of
// row, each listing once what a row puts where (postings, length sums,
// filter and range bitmaps, hot arrays), for adding and for removing
// (edit). Build hands them every row at once and following the change log
// one row at a time (mutate.go); a big batch takes bulk paths inside the
// writer (lists and ranges set at once, analysis on goroutines), which
// TestBuildEqualsFollow checks give the same structures. Callers hold mu.

// parallelText is the batch size from which indexContacts analyses names
// and emails on a goroutine each.
const parallelText = 4096

// indexPlace adds a place to the place structures, or removes it. Adding
// derives the place's own parts first (interned state and type, field
// lengths, and the customers' length sums that move with them).
func (ix *Index) indexPlace(ord uint32, e edit) {
	pd := &ix.places[ord]
	p := &pd.p
	name := ix.a.Terms(p.Name(), nil)
	county := ix.a.Terms(p.County(), nil)
	if e == adding {
		pd.stateID = uint16(ix.small.intern(nil, p.StateAbbr, false))
		pd.typeID = uint16(ix.small.intern(nil, p.PlaceType, false))
		old := ix.placeLens(ord)
		pd.nameLen, pd.countyLen = clampLen(len(name)), clampLen(len(county))
		ix.relengthPlace(ord, old)
		ix.syncPlaceHot(ord)
	}
	e.bit(ix.placeAlive, ord)
	ix.pfields[pfName].totalLen += e.sign() * int64(pd.nameLen)
	ix.pfields[pfCounty].totalLen += e.sign() * int64(pd.countyLen)
	for _, t := range name {
		e.post(ix.pfields[pfName], t, ord)
	}
	for _, t := range county {
		e.post(ix.pfields[pfCounty], t, ord)
	}
	e.key(ix.pstates, p.StateAbbr, ord)
	e.key(ix.ptypes, p.PlaceType, ord)
	e.value(ix.ppop, ord, p.Population)
	for _, v := range pd.vendors {
		e.key(ix.pvendors, v, ord)
	}
	for _, v := range pd.products {
		e.key(ix.pproducts, v, ord)
	}
	for _, v := range pd.categories {
		e.key(ix.pcats, v, ord)
	}
}

func clampLen(n int) uint8 { return uint8(min(n, 255)) }

// indexContacts adds contacts to every structure of the index, or removes
// them: their own fields (indexText, indexContactsOwn), what they inherit
// from their place (indexContactsPlace) and their place's list of
// contacts. The documents are in ix.contacts and ix.hot, live, with
// their place, title, department, class and email status set; adding sets
// their derived parts (field lengths, static score). Build passes every contact at once (in ordinal order, each
// place's contacts a run), putContact and deleteContact one.
func (ix *Index) indexContacts(ords []uint32, e edit) {
	ix.indexContactsAsync(ords, e)()
}

// indexContactsAsync is indexContacts returning before the name and email
// analysis of a big batch is done: until the returned wait does, those
// fields' postings and lengths (and contactLens) are the goroutines'.
// Build uses the time for the grants, their length sums deferred
// (lensDeferred).
func (ix *Index) indexContactsAsync(ords []uint32, e edit) (wait func()) {
	if len(ords) == 0 {
		return func() {}
	}
	ords = sortedOrds(ords)
	if e == adding {
		if need := int(ords[len(ords)-1]) + 1; len(ix.hot) < need {
			// Build made the array's room; every field of an entry is
			// set below.
			ix.hot = growOff(ix, ix.hot, need)
		}
	}
	// The name and email analysis is most of a build's work: a goroutine
	// each, while the rest is indexed. They touch their own field, and
	// their own length in the documents and the hot entries.
	var wg sync.WaitGroup
	for _, f := range []int{fName, fEmail} {
		if len(ords) < parallelText {
			ix.indexText(&ix.a, f, ords, e)
			continue
		}
		wg.Go(func() {
			t0 := time.Now()
			var a analysis.Analyzer
			ix.indexText(&a, f, ords, e)
			ix.log.Debug("index text field done", "field", f, "contacts", len(ords), "elapsed", time.Since(t0))
		})
	}
	t0 := time.Now()
	ix.indexContactsOwn(ords, e)
	ix.indexContactsPlace(ords, e)
	for _, o := range ords {
		pd := &ix.places[ix.hot[o].place]
		i, found := slices.BinarySearch(pd.contacts, o)
		switch {
		case e == adding && !found && i == len(pd.contacts):
			pd.contacts = append(pd.contacts, o) // a build: in order
		case e == adding && !found:
			pd.contacts = slices.Insert(pd.contacts, i, o)
		case e == removing && found:
			pd.contacts = slices.Delete(pd.contacts, i, i+1)
		}
	}
	if len(ords) >= parallelText {
		ix.log.Debug("index own fields done", "contacts", len(ords), "elapsed", time.Since(t0))
	}
	return wg.Wait
}

// fieldText returns contact o's text of field f (fName or fEmail) and
// where its length in terms is kept.
func (ix *Index) fieldText(f int, o uint32) (string, *uint8) {
	r := ix.arena.record(ix.contacts[o].packed)
	if f == fEmail {
		return r.emailOf(&ix.arena.domains), &ix.hot[o].emailLen
	}
	return r.nameOf(), &ix.hot[o].nameLen
}

// indexText adds the terms of the contacts' name (f is fName) or email
// (fEmail) to the field's postings, or removes them, and keeps the field's
// length sum; adding sets the documents' lengths of the field.
func (ix *Index) indexText(a *analysis.Analyzer, f int, ords []uint32, e edit) {
	if e == adding && len(ords) >= parallelText {
		ix.indexTextBulk(a, f, ords)
		return
	}
	fd := ix.fields[f]
	var buf []string
	for _, o := range ords {
		text, n := ix.fieldText(f, o)
		buf = a.Terms(text, buf[:0])
		if e == adding {
			*n = clampLen(len(buf))
		}
		fd.totalLen += e.sign() * int64(*n)
		for _, t := range buf {
			e.post(fd, t, o)
		}
	}
}

// indexTextBulk is indexText adding many contacts (a build): it groups
// the postings by term first and then sets each term's postings once,
// instead of inserting one ordinal at a time (a hash lookup, a search of
// the list and, at each doubling, a copy per posting). Pass one analyses
// every contact (bulkText, in pieces), numbering its distinct terms
// densely and counting each term's contacts; pass two lays the ordinals
// out term by term (in ords' order, so each term's run is sorted) and
// hands each run to posts.
func (ix *Index) indexTextBulk(a *analysis.Analyzer, f int, ords []uint32) {
	fd := ix.fields[f]
	ords = sortedOrds(ords)
	bt := newBulkText(ix, a, f, len(ords))
	// The scratch arrays are off the heap (and so, in a build, in huge
	// pages), unmapped at the end: on the heap, ~300 MB of them a build
	// raised its heap's peak and the collector's pace. seq's room is more
	// than any contact's terms need (an append past it moves seq to the
	// heap, and seqMem is still unmapped).
	seqMem := offheap[uint32](0, 8*len(ords)+64) // each contact's distinct term ids
	end := offheap[uint32](len(ords), len(ords)) // where each contact's ids end in seq
	defer offheapFree(seqMem)
	defer offheapFree(end)
	seq := seqMem
	var mine []uint32
	for i, o := range ords {
		r := ix.arena.record(ix.contacts[o].packed)
		mine = bt.contact(&r, o, mine[:0])
		n := clampLen(len(mine))
		if f == fEmail {
			ix.hot[o].emailLen = n
		} else {
			ix.hot[o].nameLen = n
		}
		fd.totalLen += int64(n)
		from := len(seq)
	distinct:
		for _, id := range mine {
			for _, prev := range seq[from:] {
				if prev == id {
					continue distinct
				}
			}
			seq = append(seq, id)
			bt.count[id]++
		}
		end[i] = uint32(len(seq))
	}
	terms, count := bt.terms, bt.count
	bt = nil
	start := make([]uint32, len(terms)+1)
	for id, c := range count {
		start[id+1] = start[id] + c
	}
	flat := offheap[uint32](len(seq), len(seq))
	defer offheapFree(flat)
	next := count[:0:0]
	next = append(next, start[:len(terms)]...)
	k := uint32(0)
	for i, o := range ords {
		for _, id := range seq[k:end[i]] {
			flat[next[id]] = o
			next[id]++
		}
		k = end[i]
	}
	next = nil
	for id, t := range terms {
		adding.posts(fd, t, flat[start[id]:start[id+1]])
	}
}

// indexContactsOwn adds the contacts to the structures of their own
// interned and short fields (title and department postings and lengths,
// pair postings, department, function, seniority, email_status, has_email, has_phone,
// verified_at and alive), or removes them. Contacts of one title,
// department or pair are listed together, so a batch sets each posting
// once.
func (ix *Index) indexContactsOwn(ords []uint32, e edit) {
	if e == adding {
		ix.markDirty(ords)
	}
	e.bits(ix.alive, ords)
	var g grouper
	g.group(ords, len(ix.titles.vals), func(o uint32) uint32 { return ix.hot[o].title }, func(id uint32, l []uint32) {
		t := &ix.titles.vals[id]
		ix.fields[fTitle].totalLen += e.sign() * int64(t.n) * int64(len(l))
		for _, tt := range t.terms {
			e.posts(ix.fields[fTitle], tt.term, l)
		}
	})
	g.group(ords, len(ix.depts.vals), func(o uint32) uint32 { return ix.hot[o].dept }, func(id uint32, l []uint32) {
		t := &ix.depts.vals[id]
		ix.fields[fDept].totalLen += e.sign() * int64(t.n) * int64(len(l))
		for _, tt := range t.terms {
			e.posts(ix.fields[fDept], tt.term, l)
		}
		if k := normKey(t.s); k != "" {
			e.keys(ix.deptKeys, k, l)
		}
	})
	// A (title, department) pair is numbered in the order first met.
	pairID := map[[2]uint32]uint32{}
	var pairs [][2]uint32
	for _, o := range ords {
		h := &ix.hot[o]
		if pk := [2]uint32{h.title, h.dept}; pairID[pk] == 0 {
			pairs = append(pairs, pk)
			pairID[pk] = uint32(len(pairs))
		}
	}
	g.group(ords, len(pairs), func(o uint32) uint32 {
		h := &ix.hot[o]
		return pairID[[2]uint32{h.title, h.dept}] - 1
	}, func(id uint32, l []uint32) {
		e.posts(ix.pairDocs, pairKey(pairs[id][0], pairs[id][1]), l)
	})
	g.group(ords, len(titles.Functions), func(o uint32) uint32 { return uint32(ix.hot[o].function()) }, func(i uint32, l []uint32) {
		e.bits(ix.functions[i], l)
	})
	g.group(ords, len(titles.Seniorities), func(o uint32) uint32 { return uint32(ix.hot[o].seniority()) }, func(i uint32, l []uint32) {
		e.bits(ix.seniorities[i], l)
	})
	g.group(ords, len(pursuit.EmailStatuses), func(o uint32) uint32 { return uint32(ix.hot[o].email) }, func(i uint32, l []uint32) {
		e.bits(ix.emailStatuses[i], l)
	})
	g.where(ords, func(o uint32) bool { r := ix.arena.header(ix.contacts[o].packed); return r.hasEmail() },
		func(l []uint32) { e.bits(ix.hasEmail, l) })
	g.where(ords, func(o uint32) bool { r := ix.arena.header(ix.contacts[o].packed); return r.hasPhone() },
		func(l []uint32) { e.bits(ix.hasPhone, l) })
	g.where(ords, func(o uint32) bool { return ix.contacts[o].verified != 0 },
		func(l []uint32) { e.values(ix.verified, l, func(o uint32) int64 { return ix.contacts[o].verified }) })
}

// indexContactsPlace adds the contacts to the structures of what they
// inherit from their place (state, place type, population, vendors,
// products, categories) and of their static score (tiers), or removes
// them; adding computes the static score first. A run of consecutive
// ordinals of one place (every place's contacts, in a build) is set as one
// range. putPlace and the tech stack's changes call it for a place's
// contacts, around the change of the place.
func (ix *Index) indexContactsPlace(ords []uint32, e edit) {
	if len(ords) == 0 {
		return
	}
	ords = sortedOrds(ords)
	if e == adding {
		ix.markDirty(ords)
	} else {
		ix.facets.note(ix, ords)
	}
	var rs rangeSets
	var tiers [numTiers][]uint32
	for i := 0; i < len(ords); {
		place := ix.hot[ords[i]].place
		j := i + 1
		for j < len(ords) && ords[j] == ords[j-1]+1 && ix.hot[ords[j]].place == place {
			j++
		}
		run := [2]uint32{ords[i], ords[j-1] + 1}
		pd := &ix.places[place]
		rs.keyed(e, ix.states, pd.p.StateAbbr, run)
		rs.keyed(e, ix.types, pd.p.PlaceType, run)
		for _, v := range pd.vendors {
			rs.keyed(e, ix.vendors, v, run)
		}
		for _, v := range pd.products {
			rs.keyed(e, ix.products, v, run)
		}
		for _, v := range pd.categories {
			rs.keyed(e, ix.cats, v, run)
		}
		k := ix.pop.bucket(pd.p.Population)
		if e == adding {
			ix.pop.widen(k, pd.p.Population)
		}
		if b := ix.pop.buckets[k]; b != nil {
			rs.to(b.bm, run)
		}
		for _, o := range ords[i:j] {
			h := &ix.hot[o]
			if e == adding {
				h.static = ix.staticScore(&ix.contacts[o], h, pd.p.Population)
			}
			t := ix.tierOf(h.static)
			tiers[t] = append(tiers[t], o)
		}
		i = j
	}
	for t, l := range tiers {
		e.bits(ix.tiers[t], l)
	}
	rs.apply(e, len(ix.contacts))
	ix.pop.gen++
}
