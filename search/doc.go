// Package search is Pursuit's search engine: an in-memory index of every
// contact and place of a pursuit.Store, searched per customer in about a
// millisecond.
//
// # Building and following
//
// Build reads the store's last change_log sequence number, then scans the
// places, contacts, tech_stack, grant and mapping tables into memory.
// Follow (or Sync, once) then applies every change_log row after that
// number: each change names a row by key and the index re-reads the row's
// current state, so applying a change twice is harmless and a missing row
// means it was deleted. Follow polls the log every PollInterval and also
// wakes at once when Notify is called, so a committed write is searchable
// well within 100 ms.
//
// # Layout
//
// Contacts get dense internal ordinals at build, sorted by (state, place,
// contact id) so that the contacts of a place, and of a state, are runs of
// consecutive ordinals; later inserts are appended. Every posting list and
// every filter is a roaring bitmap of ordinals, so state, place and grant
// filters are long runs that intersect cheaply.
//
// # Entitlements
//
// A customer sees a contact when it holds a customer_contact_relation row
// for it or a customer_place_relation row for its place; the effective
// access_type is the more permissive of the two. The index keeps, per
// customer, the bitmap of visible contacts and the bitmap of contacts it
// sees in full, and intersects the visible set before anything else:
// totals, facets and hits never include a row the customer cannot see. The
// contacts a search returns are already masked (pursuit.Contact.Masked)
// when the effective access is masked; no caller can forget it. Places
// search returns the places the customer holds a customer_place_relation
// row for.
//
// # Queries
//
// Request.Q uses the syntax of package query: words, "quoted phrases",
// -excluded words and field:value for title:, dept:, email: and name:.
// Words match in any of the name, title, department and email fields after
// the analysis of package search/analysis (tokenising, lower-casing, ASCII
// folding, public-sector synonyms and abbreviations, English stemming).
// Every other Request field is a filter; several values of one filter
// match any of them, different filters must all match.
//
// Results are ranked by BM25 over the four fields with field weights, plus
// static signals (seniority, place population, how recently the contact was
// verified); see Weights. Ties are broken by contact id. NextCursor pages
// through the results; a cursor also carries the corpus statistics its
// first page was scored with, so pages stay consistent while the index
// changes.
//
// docs/search.md describes the ranking, the analyser and the freshness
// design in more detail.
package search
