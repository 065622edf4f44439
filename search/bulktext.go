package search

import (
	"strings"
	"unsafe"

	"github.com/pursuit-gov/pursuit/search/analysis"
)

// bulkText is the analysis of one text field (fName or fEmail) of a
// build's contacts (indexTextBulk): it numbers the field's distinct terms
// densely (terms, and count for the caller to count contacts in) and
// analyses the text in the pieces the arena keeps it in, each piece once:
//
//   - a name held as an id of the arena's dictionary of names, and an
//     email's domain by its id in the dictionary of domains;
//   - a patterned email's local part (appendPattern) from its names'
//     slugs: the words of first.last, first_last, last.first and f.last
//     are the slugs or an initial, analysed once per name; a word that
//     joins two (flast, firstl, lastf, firstlast) once per pair;
//   - any other text word by word, through one cache of the words as
//     written.
//
// Words never span a space, an "@" or a pattern's separator, so the
// pieces' terms follow each other as the whole text's do, except where a
// word starts a multi-word synonym (which could span two pieces): then
// the whole text goes through Terms, as indexText does.
// TestBulkTextEqualsOneByOne checks the two agree.
type bulkText struct {
	ix    *Index
	a     *analysis.Analyzer
	field int

	ids   map[string]uint32 // term → id
	terms []string          // by id
	count []uint32          // by id, for the caller

	// words caches each word as written: its term's id, or that it is a
	// stop word or starts a synonym. One lookup a word instead of the
	// analyser's and ids'; the analyser's own cache is not used
	// (analysis.WordOnce): most local parts are met once, and three
	// caches of millions of words cost more than the stemming.
	words map[string]wordID
	ws    []string

	pieceIDs         []uint32 // the pieces' term ids
	byName, byDomain []piece  // by dictionary id
	slugs            []slugPiece
	joined           map[uint64]piece // joined patterns, by pattern and names
	initials         [256]piece
	sb, local        []byte
	buf              []string
}

// wordID is bulkText's analysis of one word as written.
type wordID struct {
	id          uint32
	stop, start bool
}

// piece is bulkText's analysis of a piece of text it meets many times (a
// dictionary entry, a name's slug, an initial, a joined pattern): state 0
// not yet analysed, 1 its term ids are pieceIDs[off:off+n], 2 a word of
// it starts a multi-word synonym.
type piece struct {
	off, n uint32
	state  uint8
}

// add appends the piece's term ids to dst; phrase is true for a piece
// with a word that starts a synonym.
func (p piece) add(ids, dst []uint32) (_ []uint32, phrase bool) {
	if p.state == 2 {
		return dst, true
	}
	return append(dst, ids[p.off:p.off+p.n]...), false
}

// slugPiece is the piece of a name's slug, with the slug's first letter.
type slugPiece struct {
	piece
	c0 byte
}

// newBulkText prepares the analysis of field f of n contacts.
func newBulkText(ix *Index, a *analysis.Analyzer, f, n int) *bulkText {
	t := &bulkText{ix: ix, a: a, field: f, words: make(map[string]wordID)}
	hint := 0
	if f == fEmail {
		// Emails' local parts are mostly unique: about one term in
		// two is new.
		hint = n / 2
		t.byDomain = make([]piece, ix.arena.domains.len())
		t.slugs = make([]slugPiece, ix.arena.words.len())
		t.joined = make(map[uint64]piece)
	} else {
		t.byName = make([]piece, ix.arena.words.len())
	}
	t.ids = make(map[string]uint32, hint)
	return t
}

// contact appends the terms of contact o's field, whose text record is
// r, to dst, as Terms would give them.
func (t *bulkText) contact(r *textRecord, o uint32, dst []uint32) []uint32 {
	var phrase bool
	switch k := r.emailKind(); {
	case t.field == fName && r.hdr&textDerived != 0:
		if dst, phrase = t.name(r.first, r.firstID, dst); !phrase {
			dst, phrase = t.name(r.last, r.lastID, dst)
		}
	case t.field == fName:
		dst, phrase = t.analyse(r.nameOf(), dst)
	case k == emailPattern || k == emailDomain:
		var ok bool
		if dst, phrase, ok = t.patterned(r, dst); !ok {
			// A view of local: analyse keeps no word it is given,
			// only clones.
			t.local = r.appendLocal(t.local[:0])
			dst, phrase = t.analyse(unsafe.String(unsafe.SliceData(t.local), len(t.local)), dst)
		}
		if !phrase {
			dst, phrase = t.dictPiece(t.byDomain, &t.ix.arena.domains, r.domain, dst)
		}
	default:
		dst, phrase = t.analyse(r.emailOf(&t.ix.arena.domains), dst)
	}
	if phrase {
		text, _ := t.ix.fieldText(t.field, o)
		t.buf = t.a.Terms(text, t.buf[:0])
		dst = dst[:0]
		for _, term := range t.buf {
			dst = append(dst, t.idOf(term))
		}
	}
	return dst
}

// idOf returns the id of term, numbering it if new.
func (t *bulkText) idOf(term string) uint32 {
	id, ok := t.ids[term]
	if !ok {
		id = uint32(len(t.terms))
		term = strings.Clone(term) // it may be a view of the text
		t.ids[term] = id
		t.terms = append(t.terms, term)
		t.count = append(t.count, 0)
	}
	return id
}

// analyse appends the term ids of text's words to dst; phrase says a
// word starts a synonym, and then dst is not complete.
func (t *bulkText) analyse(text string, dst []uint32) (_ []uint32, phrase bool) {
	t.ws = t.a.Words(text, t.ws[:0])
	for _, w := range t.ws {
		e, ok := t.words[w]
		if !ok {
			term, stop, start := analysis.WordOnce(w)
			e = wordID{stop: stop, start: start}
			if !stop {
				e.id = t.idOf(term)
			}
			t.words[strings.Clone(w)] = e
		}
		if e.start {
			return dst, true
		}
		if !e.stop {
			dst = append(dst, e.id)
		}
	}
	return dst, false
}

// fill analyses text as piece p.
func (t *bulkText) fill(p *piece, text string) {
	off := len(t.pieceIDs)
	var phrase bool
	if t.pieceIDs, phrase = t.analyse(text, t.pieceIDs); phrase {
		t.pieceIDs, p.state = t.pieceIDs[:off], 2
	} else {
		p.off, p.n, p.state = uint32(off), uint32(len(t.pieceIDs)-off), 1
	}
}

// dictPiece appends the terms of entry id of dictionary d, whose pieces
// are cache.
func (t *bulkText) dictPiece(cache []piece, d *dict, id uint32, dst []uint32) ([]uint32, bool) {
	if int(id) >= len(cache) {
		return t.analyse(d.val(id), dst)
	}
	p := &cache[id]
	if p.state == 0 {
		t.fill(p, d.val(id))
	}
	return p.add(t.pieceIDs, dst)
}

// name appends the terms of a first or last name (id is its id in the
// arena's names plus one, or 0 for a name kept as written).
func (t *bulkText) name(s string, id uint32, dst []uint32) ([]uint32, bool) {
	if id == 0 {
		return t.analyse(s, dst)
	}
	return t.dictPiece(t.byName, &t.ix.arena.words, id-1, dst)
}

// slug returns the piece of the slug of name id as one word.
func (t *bulkText) slug(id uint32) *slugPiece {
	p := &t.slugs[id]
	if p.state == 0 {
		t.sb = appendSlug(t.sb[:0], t.ix.arena.words.val(id))
		if len(t.sb) == 0 { // not a patterned record's name
			p.state = 2
			return p
		}
		p.c0 = t.sb[0]
		t.fill(&p.piece, string(t.sb))
	}
	return p
}

// initial returns the piece of a one-letter word.
func (t *bulkText) initial(c byte) *piece {
	p := &t.initials[c]
	if p.state == 0 {
		t.fill(p, string(rune(c)))
	}
	return p
}

// patterned appends the terms of r's local part when it is pattern
// r.pattern of its names with nothing after it (a rest could join the
// last word); ok is false otherwise, and the caller analyses the local
// part as text.
func (t *bulkText) patterned(r *textRecord, dst []uint32) (_ []uint32, phrase, ok bool) {
	if r.emailKind() != emailPattern || r.email != "" || r.firstID == 0 || r.lastID == 0 ||
		int(max(r.firstID, r.lastID)) > len(t.slugs) {
		return dst, false, false
	}
	fp, lp := t.slug(r.firstID-1), t.slug(r.lastID-1)
	var a, b *piece // the two words of a separated pattern
	var key uint64  // the pair of a joined one
	switch r.pattern {
	case 0, 3: // first.last, first_last
		a, b = &fp.piece, &lp.piece
	case 7: // last.first
		a, b = &lp.piece, &fp.piece
	case 6: // f.last
		a, b = t.initial(fp.c0), &lp.piece
	case 1, 5: // flast, lastf
		key = uint64(fp.c0)<<32 | uint64(r.lastID)
	case 2: // firstl
		key = uint64(lp.c0)<<32 | uint64(r.firstID)
	default: // firstlast
		key = uint64(r.firstID)<<32 | uint64(r.lastID)
	}
	if a != nil {
		if dst, phrase = a.add(t.pieceIDs, dst); !phrase {
			dst, phrase = b.add(t.pieceIDs, dst)
		}
		return dst, phrase, true
	}
	key |= uint64(r.pattern) << 60
	p, seen := t.joined[key]
	if !seen {
		// One word (slugs are letters and digits), mostly met once:
		// analysed without the words' cache.
		t.local = r.appendLocal(t.local[:0])
		term, stop, start := analysis.WordOnce(unsafe.String(unsafe.SliceData(t.local), len(t.local)))
		switch {
		case start:
			p.state = 2
		case stop:
			p.state = 1
		default:
			p.off, p.n, p.state = uint32(len(t.pieceIDs)), 1, 1
			t.pieceIDs = append(t.pieceIDs, t.idOf(term))
		}
		t.joined[key] = p
	}
	dst, phrase = p.add(t.pieceIDs, dst)
	return dst, phrase, true
}
