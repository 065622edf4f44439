package search

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/search/analysis"
	"github.com/pursuit-gov/pursuit/titles"
)

// loadContacts is the bulk path of Build for contacts. It yields the same
// index as putContact for each contact, but it sorts the contacts by
// (state, place, id) first, so that each place's contacts get a run of
// ordinals, and it fills the bitmaps from sorted ordinal lists (and
// ranges, for what contacts inherit from their place) rather than one
// bit at a time. The name and email analysis runs on two goroutines.
// Callers hold mu.
func (ix *Index) loadContacts(ctx context.Context, batches <-chan []pursuit.Contact, scanErr <-chan error) error {
	var docs []contactDoc
	if c, ok := ix.src.(interface {
		Count(context.Context, string) (int64, error)
	}); ok {
		if n, err := c.Count(ctx, pursuit.TableContacts); err == nil && n > 0 {
			docs = make([]contactDoc, 0, n+n/32)
		}
	}
	for batch := range batches {
		for i := range batch {
			docs = append(docs, ix.newDoc(&batch[i], ix.ensurePlace(batch[i].PlaceID)))
		}
	}
	if err := <-scanErr; err != nil {
		return fmt.Errorf("build index: scan contacts: %w", err)
	}

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
		start[rank[docs[i].place]+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	// Move every doc to its slot in place, following the permutation's
	// cycles, so the sort needs no second copy of the documents.
	dest := make([]uint32, len(docs))
	next := slices.Clone(start[:len(ix.places)])
	for i := range docs {
		r := rank[docs[i].place]
		dest[i] = uint32(next[r])
		next[r]++
	}
	for i := range docs {
		for dest[i] != uint32(i) {
			j := dest[i]
			docs[i], docs[j] = docs[j], docs[i]
			dest[i], dest[j] = dest[j], j
		}
	}
	dest = nil
	ix.contacts = docs
	ix.hot = make([]hotDoc, 0, cap(docs))
	ix.class = make([]uint8, 0, cap(docs))
	docs = nil
	n := len(ix.contacts)
	if n == 0 {
		return ctx.Err()
	}

	// Name and email terms, on two goroutines over halves.
	type half struct {
		name, email map[string][]uint32
		nameLen     int64
		emailLen    int64
	}
	halves := make([]half, 2)
	var wg sync.WaitGroup
	for h := range halves {
		lo, hi := h*n/2, (h+1)*n/2
		wg.Add(1)
		go func() {
			defer wg.Done()
			var a analysis.Analyzer
			hf := half{name: map[string][]uint32{}, email: map[string][]uint32{}}
			var buf []string
			for o := lo; o < hi; o++ {
				d := &ix.contacts[o]
				name, _, _, email, _ := ix.unpack(d)
				buf = a.Terms(name, buf[:0])
				d.nameLen = clampLen(len(buf))
				hf.nameLen += int64(d.nameLen)
				for _, t := range buf {
					hf.name[t] = append(hf.name[t], uint32(o))
				}
				buf = a.Terms(email, buf[:0])
				d.emailLen = clampLen(len(buf))
				hf.emailLen += int64(d.emailLen)
				for _, t := range buf {
					hf.email[t] = append(hf.email[t], uint32(o))
				}
			}
			halves[h] = hf
		}()
	}

	// Meanwhile, everything else per contact, as ordinal lists.
	byTitle := make([][]uint32, len(ix.titles.vals))
	byDept := make([][]uint32, len(ix.depts.vals))
	byFunc := make([][]uint32, len(titles.Functions))
	bySen := make([][]uint32, len(titles.Seniorities))
	var tiers [numTiers][]uint32
	var withEmail, withPhone []uint32
	verified := map[int][]uint32{}
	for o := range ix.contacts {
		d := &ix.contacts[o]
		ord := uint32(o)
		ix.contactOrd.set(d.id, ord)
		byTitle[d.title] = append(byTitle[d.title], ord)
		byDept[d.dept] = append(byDept[d.dept], ord)
		byFunc[d.function()] = append(byFunc[d.function()], ord)
		bySen[d.seniority()] = append(bySen[d.seniority()], ord)
		_, _, _, email, phone := ix.unpack(d)
		if email != "" {
			withEmail = append(withEmail, ord)
		}
		if phone != "" {
			withPhone = append(withPhone, ord)
		}
		if d.verified != 0 {
			b := monthBucket(d.verified)
			verified[b] = append(verified[b], ord)
			vb := ix.verified.buckets[b]
			if vb == nil {
				vb = &rangeBucket{bm: roaring.New(), min: d.verified, max: d.verified}
				ix.verified.buckets[b] = vb
			}
			vb.min, vb.max = min(vb.min, d.verified), max(vb.max, d.verified)
		}
		pd := &ix.places[d.place]
		d.static = ix.staticScore(d, pd.p.Population)
		// Not syncHot: the name and email lengths are still being
		// written by the analysis goroutines; they are copied after.
		ix.hot = append(ix.hot, hotDoc{place: d.place, title: d.title, dept: d.dept, static: d.static})
		ix.class = append(ix.class, d.class)
		t := ix.tierOf(d.static)
		tiers[t] = append(tiers[t], ord)
		pd.contacts = append(pd.contacts, ord)
	}
	ix.alive.AddRange(0, uint64(n))
	for id, l := range byTitle {
		if len(l) == 0 {
			continue
		}
		t := &ix.titles.vals[id]
		ix.fields[fTitle].totalLen += int64(t.n) * int64(len(l))
		for _, tt := range t.terms {
			ix.fields[fTitle].addMany(tt.term, l)
		}
	}
	for id, l := range byDept {
		if len(l) == 0 {
			continue
		}
		t := &ix.depts.vals[id]
		ix.fields[fDept].totalLen += int64(t.n) * int64(len(l))
		for _, tt := range t.terms {
			ix.fields[fDept].addMany(tt.term, l)
		}
		if k := normKey(t.s); k != "" {
			ix.deptKeys.addMany(k, l)
			if _, ok := ix.deptLabel[k]; !ok {
				ix.deptLabel[k] = t.s
			}
		}
	}
	for i, l := range byFunc {
		ix.functions[i].AddMany(l)
	}
	for i, l := range bySen {
		ix.seniorities[i].AddMany(l)
	}
	for i, l := range tiers {
		ix.tiers[i].AddMany(l)
	}
	ix.hasEmail.AddMany(withEmail)
	ix.hasPhone.AddMany(withPhone)
	for b, l := range verified {
		ix.verified.buckets[b].bm.AddMany(l)
	}
	// What contacts inherit from their place: one range per place.
	for _, o := range porder {
		pd := &ix.places[o]
		if len(pd.contacts) == 0 {
			continue
		}
		lo, hi := uint64(pd.contacts[0]), uint64(pd.contacts[len(pd.contacts)-1])+1
		rng := func(m bitmaps, k string) {
			bm := m[k]
			if bm == nil {
				bm = roaring.New()
				m[k] = bm
			}
			bm.AddRange(lo, hi)
		}
		rng(ix.states, pd.p.StateAbbr)
		rng(ix.types, pd.p.PlaceType)
		for _, v := range pd.vendors {
			rng(ix.vendors, v)
		}
		for _, v := range pd.products {
			rng(ix.products, v)
		}
		for _, v := range pd.categories {
			rng(ix.cats, v)
		}
		k := ix.pop.bucket(pd.p.Population)
		b := ix.pop.buckets[k]
		if b == nil {
			b = &rangeBucket{bm: roaring.New(), min: pd.p.Population, max: pd.p.Population}
			ix.pop.buckets[k] = b
		}
		b.min, b.max = min(b.min, pd.p.Population), max(b.max, pd.p.Population)
		b.bm.AddRange(lo, hi)
	}

	wg.Wait()
	for o := range ix.contacts {
		ix.hot[o].nameLen, ix.hot[o].emailLen = ix.contacts[o].nameLen, ix.contacts[o].emailLen
	}
	for _, hf := range halves {
		ix.fields[fName].totalLen += hf.nameLen
		ix.fields[fEmail].totalLen += hf.emailLen
		for t, l := range hf.name {
			ix.fields[fName].addMany(t, l)
		}
		for t, l := range hf.email {
			ix.fields[fEmail].addMany(t, l)
		}
	}
	return ctx.Err()
}

// scanContacts streams the contacts of src in batches on a goroutine. The
// error channel receives the scan's result once the batch channel is
// closed.
func scanContacts(ctx context.Context, src Source) (<-chan []pursuit.Contact, <-chan error) {
	const size = 2048
	batches := make(chan []pursuit.Contact, 8)
	errc := make(chan error, 1)
	go func() {
		defer close(errc)
		batch := make([]pursuit.Contact, 0, size)
		send := func() error {
			select {
			case batches <- batch:
				batch = make([]pursuit.Contact, 0, size)
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		err := src.ScanContacts(ctx, func(c pursuit.Contact) error {
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
func (ix *Index) newDoc(c *pursuit.Contact, place uint32) contactDoc {
	d := contactDoc{
		id:       c.ContactID,
		packed:   ix.arena.put(packContact(c)),
		verified: micros(c.VerifiedAt),
		created:  micros(c.CreatedAt),
		updated:  micros(c.UpdatedAt),
		place:    place,
		title:    ix.titles.intern(&ix.a, c.Title, true),
		dept:     ix.depts.intern(&ix.a, c.Department, true),
		owner:    ix.owners.intern(&ix.a, c.AccountOwner, false),
		alive:    true,
	}
	key := [2]uint32{d.title, d.dept}
	class, ok := ix.classes[key]
	if !ok {
		f, s := titles.Classify(c.Title, c.Department)
		class = uint8(max(indexOf(titles.Functions, f), 0)<<3 | max(indexOf(titles.Seniorities, s), 0))
		ix.classes[key] = class
	}
	d.class = class
	return d
}
