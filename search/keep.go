package search

// This file keeps the caches of searches across applied batches of
// changes. A batch used to empty them all; under a steady stream of
// writes (a server of many customers takes a few a second) that made
// most searches count again what had not changed. So while a batch is
// applied the writers note what they touch — the terms whose postings
// change (field.touch), the customers whose visible, full or place sets
// change (touchCustomer), and the contacts whose facet values change,
// with their values before the batch (facetJournal) — and at its end
// each cache forgets only what those can change:
//
//   - orCache (a term's documents in a set of fields): the entries of
//     the touched terms;
//   - dfCache (a term's document frequency in a customer's set): the
//     entries of the touched terms and of the touched customers;
//   - facetCache: nothing is forgotten; its entries hold the set they
//     counted and are brought up to date when next used (facets.go).
//
// A batch that touches too much empties the term caches instead.

// keepMaxTerms is the most touched terms a batch may have for the term
// caches to be pruned rather than emptied.
const keepMaxTerms = 1 << 14

// beginChanges starts noting what a batch of changes touches. Callers
// hold mu for writing.
func (ix *Index) beginChanges() {
	for _, f := range ix.fields {
		f.dirty = map[string]struct{}{}
	}
	for _, f := range ix.pfields {
		f.dirty = map[string]struct{}{}
	}
	ix.dirtyCust = map[int64]struct{}{}
	ix.facets.begin(ix)
}

// touchCustomer notes that one of c's sets changed in the batch being
// applied.
func (ix *Index) touchCustomer(c *customer) {
	if ix.dirtyCust != nil {
		ix.dirtyCust[c.id] = struct{}{}
	}
}

// endChanges ends a batch: the caches forget what it touched and are
// valid at version, the index's version after the batch. Callers hold mu
// for writing.
func (ix *Index) endChanges(version int64) {
	terms := 0
	for _, f := range ix.fields {
		terms += len(f.dirty)
	}
	for _, f := range ix.pfields {
		terms += len(f.dirty)
	}
	over := terms > keepMaxTerms
	dirtyIn := func(fs []*field, f int, term string) bool {
		_, ok := fs[f].dirty[term]
		return ok
	}

	o := &ix.ors
	o.mu.Lock()
	if over || o.version != version-1 {
		o.m = nil
	}
	for k := range o.m {
		for f := range ix.fields {
			if k.fields&(1<<f) != 0 && dirtyIn(ix.fields[:], f, k.term) {
				delete(o.m, k)
				break
			}
		}
	}
	o.version = version
	o.mu.Unlock()

	d := &ix.dfs
	d.mu.Lock()
	if over || d.version != version-1 {
		d.m = nil
	}
	for k := range d.m {
		_, cust := ix.dirtyCust[k.customer]
		fs := ix.fields[:]
		if k.places {
			fs = ix.pfields[:]
		}
		if cust || dirtyIn(fs, k.field, k.term) {
			delete(d.m, k)
		}
	}
	d.version = version
	d.mu.Unlock()

	ix.facets.end(version)

	for _, f := range ix.fields {
		f.dirty = nil
	}
	for _, f := range ix.pfields {
		f.dirty = nil
	}
	ix.dirtyCust = nil
}
