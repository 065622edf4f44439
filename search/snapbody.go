package search

import (
	"encoding/binary"
	"fmt"
	"unsafe"

	"github.com/RoaringBitmap/roaring/v2"
)

// The snapshot's body: every structure of the index, in sections (one
// encoder and decoder each, in the order sections lists). What is derived cheaply is not
// written but derived again on load: the analysis of interned titles and
// departments (re-interned in id order, so ids are the same), the hot
// array of places and the term arenas. Caches (term unions, document
// frequencies, facets, range unions) start empty.

// interners lists the index's interners with whether their values are
// analysed, in snapshot order.
func (ix *Index) interners() []struct {
	in      **interner
	analyse bool
	keyed   bool
} {
	return []struct {
		in      **interner
		analyse bool
		keyed   bool
	}{
		{&ix.titles, true, false}, {&ix.depts, true, true}, {&ix.owners, false, false},
		{&ix.names, false, false}, {&ix.spells, false, true}, {&ix.small, false, false},
	}
}

// snapSection is one independently checksummed part of the body: what
// its decoder sets in the index no other section's decoder touches, so
// the loader decodes the sections on all cores at once.
type snapSection struct {
	name string
	enc  func(*snapWriter)
	dec  func(*snapReader)
}

// sections lists the body's sections in file order.
func (ix *Index) sections() []snapSection {
	secs := []snapSection{
		{"interners", ix.encInterners, ix.decInterners},
		{"contacts", ix.encContacts, ix.decContacts},
		{"text", ix.encText, ix.decText},
	}
	for i := range ix.fields {
		secs = append(secs, snapSection{fmt.Sprint("field ", i),
			func(e *snapWriter) { e.field(ix.fields[i]) },
			func(d *snapReader) { ix.fields[i] = d.field() }})
	}
	return append(secs,
		snapSection{"pairs", ix.encPairs, ix.decPairs},
		snapSection{"filters", ix.encFilters, ix.decFilters},
		snapSection{"places", ix.encPlaces, ix.decPlaces},
		snapSection{"place postings", ix.encPlacePostings, ix.decPlacePostings},
		snapSection{"tech stack", ix.encTechs, ix.decTechs},
		snapSection{"customers", ix.encCustomers, ix.decCustomers},
		snapSection{"mappings", ix.encMappings, ix.decMappings},
		snapSection{"relations", ix.encRelations, ix.decRelations},
	)
}

func (ix *Index) encInterners(e *snapWriter) {
	for _, it := range ix.interners() {
		in := *it.in
		e.uvarint(uint64(len(in.vals)))
		for _, v := range in.vals[1:] {
			e.str(v.s)
		}
	}
}

func (ix *Index) encContacts(e *snapWriter) {
	rawPage(e, ix.contacts)
	rawPage(e, ix.hot)
	rawPage(e, ix.contactOrd.dense)
	e.uvarint(uint64(len(ix.contactOrd.sparse)))
	for id, o := range ix.contactOrd.sparse {
		e.varint(id)
		e.uvarint(uint64(o))
	}
	e.int(ix.contactOrd.n)
	e.bitmap(ix.alive)
	e.uvarint(uint64(len(ix.updatedAt)))
	for id, us := range ix.updatedAt {
		e.varint(id)
		e.varint(us)
	}
}

// encText writes the contacts' text arena: a section of its own, as big
// as the documents, so that two cores read them at once.
func (ix *Index) encText(e *snapWriter) {
	e.uvarint(uint64(len(ix.arena.chunks)))
	for _, c := range ix.arena.chunks {
		rawPage(e, c)
	}
	for _, dc := range []*dict{&ix.arena.domains, &ix.arena.words} {
		e.uvarint(uint64(dc.len()))
		for id := range dc.len() {
			e.str(dc.val(uint32(id)))
		}
	}
}

func (ix *Index) encPairs(e *snapWriter) {
	e.uvarint(uint64(len(ix.pairs)))
	for _, p := range ix.pairs {
		e.uvarint(uint64(p[0]))
		e.uvarint(uint64(p[1]))
		e.uvarint(uint64(ix.classes[p]))
	}
	e.field(ix.pairDocs)
}

func (ix *Index) encFilters(e *snapWriter) {
	for _, m := range []bitmaps{ix.states, ix.types, ix.deptKeys, ix.vendors, ix.products, ix.cats} {
		e.bitmaps(m)
	}
	for _, l := range [][]*roaring.Bitmap{ix.functions, ix.seniorities, ix.emailStatuses, ix.tiers[:]} {
		e.uvarint(uint64(len(l)))
		for _, bm := range l {
			e.bitmap(bm)
		}
	}
	e.bitmap(ix.hasEmail)
	e.bitmap(ix.hasPhone)
	e.rangeIndex(ix.pop)
	e.rangeIndex(ix.verified)
}

func (ix *Index) encPlaces(e *snapWriter) {
	e.uvarint(uint64(len(ix.places)))
	for i := range ix.places {
		e.place(&ix.places[i])
	}
	e.uvarint(uint64(len(ix.placeOrd)))
	for id, o := range ix.placeOrd {
		e.varint(id)
		e.uvarint(uint64(o))
	}
	e.bitmap(ix.placeAlive)
}

func (ix *Index) encPlacePostings(e *snapWriter) {
	for _, f := range ix.pfields {
		e.field(f)
	}
	for _, m := range []bitmaps{ix.pstates, ix.ptypes, ix.pvendors, ix.pproducts, ix.pcats} {
		e.bitmaps(m)
	}
	e.rangeIndex(ix.ppop)
}

func (ix *Index) encTechs(e *snapWriter) {
	writeIDTable(e, &ix.techs)
}

func (ix *Index) encCustomers(e *snapWriter) {
	e.uvarint(uint64(len(ix.customers)))
	for _, c := range ix.customers {
		e.customer(c)
	}
}

func (ix *Index) encMappings(e *snapWriter) {
	writeIDTable(e, &ix.mappings)
}

func (ix *Index) encRelations(e *snapWriter) {
	e.custLists(&ix.placeCust)
	e.custLists(&ix.contactCust)
	e.varint(ix.version)
}

func (e *snapWriter) field(f *field) {
	e.uvarint(uint64(len(f.big)))
	for t, bm := range f.big {
		e.str(t)
		e.bitmap(bm)
	}
	rawPage(e, f.small.slots)
	rawPage(e, f.small.arena)
	e.uvarint(uint64(len(f.pool.chunks)))
	for _, c := range f.pool.chunks {
		rawPage(e, c)
	}
	for _, fl := range f.pool.free {
		raw(e, fl)
	}
	e.varint(f.totalLen)
	e.int(f.listMax)
}

func (e *snapWriter) rangeIndex(r *rangeIndex) {
	e.uvarint(uint64(len(r.buckets)))
	for k, b := range r.buckets {
		e.int(k)
		e.varint(b.min)
		e.varint(b.max)
		e.bitmap(b.bm)
	}
}

func (e *snapWriter) place(pd *placeDoc) {
	p := &pd.p
	e.varint(p.PlaceID)
	f := p.fields()
	for _, s := range []string{f[ptName], p.PlaceType, p.StateAbbr, f[ptCounty], f[ptWebsite], f[ptEmailDomain], f[ptGEOID], f[ptNCESID], f[ptAccountOwner]} {
		e.str(s)
	}
	e.varint(p.Population)
	e.varint(p.FiscalYearStart)
	e.time(p.CreatedAt)
	e.time(p.UpdatedAt)
	raw(e, pd.contacts)
	raw(e, pd.techs)
	e.strs(pd.vendors)
	e.strs(pd.products)
	e.strs(pd.categories)
	raw(e, pd.vendorSpells)
	e.uvarint(uint64(pd.stateID))
	e.uvarint(uint64(pd.typeID))
	e.uvarint(uint64(pd.nameLen))
	e.uvarint(uint64(pd.countyLen))
	e.bool(pd.alive)
}

func (e *snapWriter) grants(m map[int64]uint8) {
	e.uvarint(uint64(len(m)))
	for id, a := range m {
		e.varint(id)
		e.uvarint(uint64(a))
	}
}

func (e *snapWriter) customer(c *customer) {
	e.varint(c.id)
	e.uvarint(uint64(c.placeGrant.len()))
	for id, a := range c.placeGrant.all() {
		e.varint(id)
		e.uvarint(uint64(a))
	}
	e.grants(c.contactGrant)
	e.bitmap(c.visible)
	e.bitmap(c.full)
	e.bitmap(c.places)
	for _, v := range c.lens {
		e.varint(v)
	}
	for _, v := range c.placeLens {
		e.varint(v)
	}
	e.custLists(&c.mapsByPlace)
	e.custLists(&c.mapsByContact)
	e.bitmap(c.mapped)
	e.bitmaps(c.owners)
	e.bitmap(c.placesMapped)
	e.bitmaps(c.placeOwners)
}

// The decoders read what the encoders of the same section wrote into ix,
// a new index. They panic with a snapError on a malformed value (the
// loader recovers).

func (ix *Index) decInterners(d *snapReader) {
	for _, it := range ix.interners() {
		in := newInterner()
		if it.keyed {
			in = newKeyedInterner()
		}
		n := d.n(1)
		if n < 1 {
			d.fail("interner of %d values", n)
		}
		for i := 1; i < n; i++ {
			s := d.str()
			if id := in.intern(&ix.a, s, it.analyse); int(id) != i {
				d.fail("interned value %q repeated", s)
			}
		}
		*it.in = in
	}
}

func (ix *Index) decContacts(d *snapReader) {
	room := func(n int) int { return n + n/32 }
	ix.contacts = readRawOff[contactDoc](d, room)
	ix.hot = readRawOff[hotDoc](d, room)
	ix.contactOrd.dense = readRawOff[uint32](d, room)
	if n := d.n(2); n > 0 {
		ix.contactOrd.sparse = make(map[int64]uint32, n)
		for range n {
			id := d.varint()
			ix.contactOrd.sparse[id] = uint32(d.uvarint())
		}
	}
	ix.contactOrd.n = d.int()
	ix.alive = d.bitmapNew()
	if n := d.n(2); n > 0 {
		ix.updatedAt = make(map[int64]int64, n)
		for range n {
			id := d.varint()
			ix.updatedAt[id] = d.varint()
		}
	}
}

func (ix *Index) decText(d *snapReader) {
	ix.arena.chunks = make([][]byte, d.n(1))
	for i := range ix.arena.chunks {
		// The last chunk is appended to: every chunk gets its capacity.
		ix.arena.chunks[i] = readRawOff[byte](d, func(int) int { return arenaChunk })
	}
	for _, dc := range []*dict{&ix.arena.domains, &ix.arena.words} {
		vals := make([]string, d.n(1))
		for i := range vals {
			vals[i] = d.str()
		}
		dc.set(vals)
	}
}

func (ix *Index) decPairs(d *snapReader) {
	np := d.n(3)
	ix.pairs = make([][2]uint32, np)
	ix.classes = make(map[[2]uint32]uint8, np)
	for i := range ix.pairs {
		p := [2]uint32{uint32(d.uvarint()), uint32(d.uvarint())}
		ix.pairs[i] = p
		ix.classes[p] = uint8(d.uvarint())
	}
	ix.pairDocs = d.field()
}

func (ix *Index) decFilters(d *snapReader) {
	for _, m := range []*bitmaps{&ix.states, &ix.types, &ix.deptKeys, &ix.vendors, &ix.products, &ix.cats} {
		*m = d.bitmaps()
	}
	for _, l := range []*[]*roaring.Bitmap{&ix.functions, &ix.seniorities, &ix.emailStatuses} {
		if n := d.n(1); n != len(*l) {
			d.fail("%d bitmaps, want %d", n, len(*l))
		}
		for i := range *l {
			(*l)[i] = d.bitmapNew()
		}
	}
	if n := d.n(1); n != numTiers {
		d.fail("%d tiers, want %d", n, numTiers)
	}
	for i := range ix.tiers {
		ix.tiers[i] = d.bitmapNew()
	}
	ix.hasEmail = d.bitmapNew()
	ix.hasPhone = d.bitmapNew()
	d.rangeIndex(ix.pop)
	d.rangeIndex(ix.verified)
}

func (ix *Index) decPlaces(d *snapReader) {
	ix.places = make([]placeDoc, d.n(8))
	for i := range ix.places {
		d.place(&ix.places[i])
		ix.syncPlaceHot(uint32(i))
	}
	n := d.n(2)
	ix.placeOrd = make(map[int64]uint32, n)
	for range n {
		id := d.varint()
		ix.placeOrd[id] = uint32(d.uvarint())
	}
	ix.placeAlive = d.bitmapNew()
}

func (ix *Index) decPlacePostings(d *snapReader) {
	for i := range ix.pfields {
		ix.pfields[i] = d.field()
	}
	for _, m := range []*bitmaps{&ix.pstates, &ix.ptypes, &ix.pvendors, &ix.pproducts, &ix.pcats} {
		*m = d.bitmaps()
	}
	d.rangeIndex(ix.ppop)
}

func (ix *Index) decTechs(d *snapReader) {
	readIDTable(d, &ix.techs)
}

func (ix *Index) decCustomers(d *snapReader) {
	n := d.n(16)
	ix.customers = make(map[int64]*customer, n)
	for range n {
		c := d.customer()
		c.placeGrant.retired = &ix.retired
		c.mapsByPlace.retired, c.mapsByContact.retired = &ix.retired, &ix.retired
		ix.customers[c.id] = c
	}
}

func (ix *Index) decMappings(d *snapReader) {
	readIDTable(d, &ix.mappings)
}

func (ix *Index) decRelations(d *snapReader) {
	d.custLists(&ix.placeCust)
	d.custLists(&ix.contactCust)
	ix.version = d.varint()
}

// check verifies what the decoder cannot see value by value: that the
// arrays agree in length and the references stay inside them, so that a
// snapshot that decodes but is inconsistent is refused, not searched.
func (ix *Index) check(d *snapReader) {
	if len(ix.hot) != len(ix.contacts) {
		d.fail("%d hot documents for %d contacts", len(ix.hot), len(ix.contacts))
	}
	for i := range ix.contacts {
		c, h := &ix.contacts[i], &ix.hot[i]
		if int(h.place) >= len(ix.places) && c.alive || int(h.title) >= len(ix.titles.vals) ||
			int(h.dept) >= len(ix.depts.vals) || int(c.owner) >= len(ix.owners.vals) ||
			c.packed&0xffff != 0 && int(c.packed>>48) >= len(ix.arena.chunks) {
			d.fail("contact %d refers outside the index", c.id)
		}
		if c.packed&0xffff != 0 {
			ch := ix.arena.chunks[c.packed>>48]
			off, n := int(c.packed>>16&0xffffffff), int(c.packed&0xffff)
			if off+n > len(ch) {
				d.fail("contact %d's text is outside the arena", c.id)
			}
			if _, m, ok := decodeRecord(unsafe.String(&ch[off], len(ch)-off), &ix.arena.domains, &ix.arena.words); !ok || min(m, 0xffff) != n {
				d.fail("contact %d's text record does not decode", c.id)
			}
		}
	}
	if m := ix.alive.Maximum(); !ix.alive.IsEmpty() && int(m) >= len(ix.contacts) {
		d.fail("alive holds ordinal %d of %d contacts", m, len(ix.contacts))
	}
	for _, o := range ix.placeOrd {
		if int(o) >= len(ix.places) {
			d.fail("place ordinal %d of %d places", o, len(ix.places))
		}
	}
	for id, t := range ix.techs.all() {
		if int(t.vendor) >= len(ix.names.vals) || int(t.product) >= len(ix.names.vals) ||
			int(t.category) >= len(ix.names.vals) || int(t.spelling) >= len(ix.spells.vals) {
			d.fail("tech_stack %d refers outside the interners", id)
		}
	}
	for id, m := range ix.mappings.all() {
		if int(m.owner) >= len(ix.names.vals) {
			d.fail("customer_mapping %d refers outside the interners", id)
		}
	}
}

func (d *snapReader) field() *field {
	f := newField()
	n := d.n(2)
	f.big = make(map[string]*roaring.Bitmap, n)
	for range n {
		f.big[d.str()] = d.bitmapNew()
	}
	t := &f.small
	t.slots = readRawOff[termSlot](d, func(n int) int { return n })
	t.arena = readRawOff[byte](d, func(n int) int { return n + n/8 + 1024 })
	if len(t.slots)&(len(t.slots)-1) != 0 || len(t.slots) > 0 && len(t.arena) == 0 || len(t.arena) >= int(tombOff) {
		d.fail("a term table of %d slots and %d bytes", len(t.slots), len(t.arena))
	}
	for i := range t.slots {
		s := &t.slots[i]
		switch s.off {
		case 0:
			continue
		case tombOff:
			t.used++
			continue
		}
		t.used++
		t.n++
		if int(s.off) >= len(t.arena) {
			d.fail("term slot %d outside the arena", i)
		}
		k, w := binary.Uvarint(t.arena[s.off:])
		if w <= 0 || k > uint64(len(t.arena)-int(s.off)-w) {
			d.fail("term slot %d's term outside the arena", i)
		}
	}
	if len(t.slots) > 0 && t.used*8 > len(t.slots)*7 {
		d.fail("a term table %d of %d slots full", t.used, len(t.slots))
	}
	f.pool.chunks = make([][]uint32, d.n(1))
	for i := range f.pool.chunks {
		c := readRawOff[uint32](d, func(int) int { return poolChunk })
		if len(c) > poolChunk {
			d.fail("pool chunk of %d ordinals", len(c))
		}
		f.pool.chunks[i] = c
	}
	for i := range f.pool.free {
		f.pool.free[i] = readRaw[uint32](d)
	}
	for i := range t.slots {
		l := t.slots[i].list
		if o := t.slots[i].off; o == 0 || o == tombOff || l.n < 2 {
			continue
		}
		c := int(l.off >> poolChunkLog)
		if c >= len(f.pool.chunks) || int(l.off&(poolChunk-1))+int(l.n) > len(f.pool.chunks[c]) || l.n > 1<<l.capLog {
			d.fail("term %q's postings are outside the pool", t.key(&t.slots[i]))
		}
	}
	f.totalLen = d.varint()
	f.listMax = d.int()
	return f
}

func (d *snapReader) rangeIndex(r *rangeIndex) {
	n := d.n(4)
	for range n {
		k := d.int()
		b := &rangeBucket{min: d.varint(), max: d.varint()}
		b.bm = d.bitmapNew()
		r.buckets[k] = b
	}
}

func (d *snapReader) place(pd *placeDoc) {
	p := &pd.p
	p.PlaceID = d.varint()
	// Types and states repeat across places: one copy each. The rest is
	// the place's own text, carved from the reader's byte slab.
	var f [numPlaceText]string
	for _, s := range []*string{&f[ptName], &p.PlaceType, &p.StateAbbr, &f[ptCounty], &f[ptWebsite], &f[ptEmailDomain], &f[ptGEOID], &f[ptNCESID], &f[ptAccountOwner]} {
		if s == &p.PlaceType || s == &p.StateAbbr {
			*s = d.istr()
		} else {
			b := d.bytes() // a view of the file: packed below
			*s = unsafe.String(unsafe.SliceData(b), len(b))
		}
	}
	d.textBuf = appendPlaceText(d.textBuf[:0], &f)
	p.text = ""
	if len(d.textBuf) > 0 {
		s := carveOff(d, &d.bytesSlab, len(d.textBuf))
		copy(s, d.textBuf)
		p.text = unsafe.String(&s[0], len(s))
	}
	p.Population = d.varint()
	p.FiscalYearStart = d.varint()
	p.CreatedAt = d.time()
	p.UpdatedAt = d.time()
	pd.contacts = readRawSlab(d, &d.u32Slab)
	pd.techs = readRawSlab(d, &d.i64Slab)
	pd.vendors = d.istrs()
	pd.products = d.istrs()
	pd.categories = d.istrs()
	pd.vendorSpells = readRawSlab(d, &d.u32Slab)
	pd.stateID = uint16(d.uvarint())
	pd.typeID = uint16(d.uvarint())
	pd.nameLen = uint8(d.uvarint())
	pd.countyLen = uint8(d.uvarint())
	pd.alive = d.bool()
}

func (d *snapReader) grants() map[int64]uint8 {
	n := d.n(2)
	m := make(map[int64]uint8, n)
	for range n {
		id := d.varint()
		m[id] = uint8(d.uvarint())
	}
	return m
}

func (d *snapReader) customer() *customer {
	c := &customer{id: d.varint()}
	// The table grows as it is read: what it grows out of is freed at
	// once (no reader has it yet).
	var retired []func()
	c.placeGrant.retired = &retired
	n := d.n(2)
	for range n {
		id := d.varint()
		c.placeGrant.set(id, uint8(d.uvarint()))
	}
	for _, free := range retired {
		free()
	}
	c.placeGrant.retired = nil // decCustomers sets the index's
	c.contactGrant = d.grants()
	c.visible, c.full, c.places = d.bitmapNew(), d.bitmapNew(), d.bitmapNew()
	for i := range c.lens {
		c.lens[i] = d.varint()
	}
	for i := range c.placeLens {
		c.placeLens[i] = d.varint()
	}
	d.custLists(&c.mapsByPlace)
	d.custLists(&c.mapsByContact)
	c.mapped = d.bitmapNew()
	c.owners = d.bitmaps()
	c.placesMapped = d.bitmapNew()
	c.placeOwners = d.bitmaps()
	return c
}
