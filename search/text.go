package search

import (
	"encoding/binary"
	"math/bits"
	"strings"
	"time"
	"unsafe"

	"github.com/pursuit-gov/pursuit"
)

// A contact's text as the arena keeps it: one record of
//
//	header byte (textDerived, the email's kind << 1, the phone's kind << 4,
//	  textFirstID, textLastID)
//	first name, last name: a uvarint id in arena.words with textFirstID,
//	  textLastID, otherwise a uvarint length, then the bytes
//	name, unless textDerived (the first name, a space, the last name)
//	the email, by kind:
//	  emailLiteral  the address
//	  emailDomain   the local part, then the domain as a uvarint id in arena.domains
//	  emailPattern  one byte: the localPatterns pattern of the first and
//	                last names the local part starts with, the rest of the
//	                local part ("1" of jsmith1), then the domain id
//	the phone, by kind: phoneLiteral the number; phoneParen, phoneDash
//	  its ten digits, two to a byte
//
// Most of the seed's addresses are a pattern of the contact's names at its
// place's domain ("jsmith@co.example.us": 2 to 4 bytes rather than ~28) and
// most numbers "(907) 555-0100" or "907-555-0100" (5 bytes rather than
// 12–14), and first and last names are ids in a dictionary of names (2–3
// bytes rather than ~7): 17 bytes a contact rather than 60. Every field reads back exactly
// as it went in; what fits no kind is kept as it is.
const (
	textDerived = 1 << 0
	textFirstID = 1 << 6
	textLastID  = 1 << 7

	emailNone    = 0
	emailLiteral = 1
	emailDomain  = 2
	emailPattern = 3

	phoneNone    = 0
	phoneLiteral = 1
	phoneParen   = 2 // (ddd) ddd-dddd
	phoneDash    = 3 // ddd-ddd-dddd
)

// numPatterns is how many local-part patterns appendPattern knows.
const numPatterns = 8

// appendPattern appends local-part pattern k of a first and last name f
// and l (both slugs: ASCII letters and digits, lower case, not empty):
// first.last, flast, firstl, first_last, firstlast, lastf, f.last,
// last.first, the forms governments use.
func appendPattern(d []byte, k int, f, l []byte) []byte {
	switch k {
	case 0:
		return append(append(append(d, f...), '.'), l...)
	case 1:
		return append(append(d, f[0]), l...)
	case 2:
		return append(append(d, f...), l[0])
	case 3:
		return append(append(append(d, f...), '_'), l...)
	case 4:
		return append(append(d, f...), l...)
	case 5:
		return append(append(d, l...), f[0])
	case 6:
		return append(append(append(d, f[0]), '.'), l...)
	}
	return append(append(append(d, l...), '.'), f...)
}

// appendSlug appends s's ASCII letters and digits, lower-cased.
func appendSlug(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			dst = append(dst, c)
		case c >= 'A' && c <= 'Z':
			dst = append(dst, c+'a'-'A')
		}
	}
	return dst
}

// hasSlug reports whether appendSlug would append anything.
func hasSlug(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c >= 'a' && c <= 'z' || s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// maxDict bounds the domain and name dictionaries (and maxDictWord the
// length of a name in one): what is past them is kept whole.
const (
	maxDict     = 1 << 24
	maxDictWord = 48
)

// dict numbers strings (email domains, first and last names) for the
// arena; ids are never freed. Nothing of it is on the Go heap: the
// strings are in chunks that never move (a value is a view of them, kept
// by whoever read it), and their references and an open-addressing hash
// table of ids are arrays off the heap.
type dict struct {
	chunks  [][]byte
	refs    []uint64  // by id: chunk<<40 | offset<<8 | length
	slots   []uint32  // id+1 by hash, linear probing; 0 is empty; a power of two
	retired *[]func() // the index's: where the refs grown out of go
}

const dictChunk = 1 << 20

func (d *dict) len() int { return len(d.refs) }

// val returns the string of id.
func (d *dict) val(id uint32) string {
	r := d.refs[id]
	n := int(r & 0xff)
	if n == 0 {
		return ""
	}
	c := d.chunks[r>>40]
	return unsafe.String(&c[r>>8&0xffffffff], n)
}

// id returns the id of s, adding it; ok is false when the dictionary is
// full or s too long for it (over 255 bytes).
func (d *dict) id(s string) (uint32, bool) {
	h := termHash(s)
	mask := uint32(len(d.slots) - 1)
	if len(d.slots) > 0 {
		for i := h & mask; ; i = (i + 1) & mask {
			v := d.slots[i]
			if v == 0 {
				break
			}
			if d.val(v-1) == s {
				return v - 1, true
			}
		}
	}
	if len(d.refs) >= maxDict || len(s) > 0xff {
		return 0, false
	}
	d.add(s)
	return uint32(len(d.refs) - 1), true
}

// add appends s, which the dictionary does not hold.
func (d *dict) add(s string) {
	k, off := appendChunk(&d.chunks, []byte(s), dictChunk)
	d.refs = growOffTo(d.retired, d.refs, len(d.refs)+1)
	id := uint32(len(d.refs) - 1)
	d.refs[id] = uint64(k)<<40 | uint64(off)<<8 | uint64(len(s))
	if 2*len(d.refs) > len(d.slots) {
		d.rehash(max(1024, 4*len(d.refs)))
		return
	}
	d.place(id)
}

// place puts id in its slot.
func (d *dict) place(id uint32) {
	mask := uint32(len(d.slots) - 1)
	i := termHash(d.val(id)) & mask
	for d.slots[i] != 0 {
		i = (i + 1) & mask
	}
	d.slots[i] = id + 1
}

// rehash makes a table of n slots (a power of two) and places every id.
func (d *dict) rehash(n int) {
	n = 1 << bits.Len(uint(n-1))
	if len(d.slots) > 0 && d.retired != nil {
		old := d.slots
		*d.retired = append(*d.retired, func() { offheapFree(old) })
	}
	d.slots = offheap[uint32](n, n)
	for id := range d.refs {
		d.place(uint32(id))
	}
}

// set replaces the dictionary by vals (a snapshot's).
func (d *dict) set(vals []string) {
	keep := d.retired
	var retired []func()
	*d = dict{retired: &retired}
	defer func() {
		for _, free := range retired {
			free()
		}
		d.retired = keep
	}()
	for _, v := range vals {
		if len(v) > 0xff {
			v = v[:0xff] // not written by id (a corrupt snapshot): check refuses what uses it
		}
		d.add(v)
	}
}

// bytes is the dictionary's memory (off the Go heap).
func (d *dict) bytes() int64 {
	n := int64(len(d.refs))*8 + int64(len(d.slots))*4
	for _, c := range d.chunks {
		n += int64(len(c))
	}
	return n
}

// appendWord appends a first or last name: its id in the dictionary of
// names when it has one (setting flag in the header), otherwise itself.
func (a *arena) appendWord(dst []byte, hdr *byte, flag byte, s string) []byte {
	if len(s) > 0 && len(s) <= maxDictWord {
		if id, ok := a.words.id(s); ok {
			*hdr |= flag
			return binary.AppendUvarint(dst, uint64(id))
		}
	}
	return appendField(dst, s)
}

func appendField(dst []byte, s string) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(s))), s...)
}

// encodeContact appends c's text record to dst.
func (a *arena) encodeContact(dst []byte, c *pursuit.Contact) []byte {
	h := len(dst)
	dst = append(dst, 0)
	var hdr byte
	dst = a.appendWord(dst, &hdr, textFirstID, c.FirstName)
	dst = a.appendWord(dst, &hdr, textLastID, c.LastName)
	if n, f, l := c.Name, c.FirstName, c.LastName; len(n) == len(f)+1+len(l) && n[len(f)] == ' ' && n[:len(f)] == f && n[len(f)+1:] == l {
		hdr |= textDerived
	} else {
		dst = appendField(dst, n)
	}
	kind := byte(emailNone)
	if e := c.Email; e != "" {
		kind = emailLiteral
		local, domain := "", ""
		if at := strings.LastIndexByte(e, '@'); at >= 0 {
			local, domain = e[:at], e[at+1:]
		}
		id, ok := uint32(0), false
		if domain != "" {
			id, ok = a.domains.id(domain)
		}
		switch {
		case !ok:
			dst = appendField(dst, e)
		default:
			var buf [128]byte
			fs := appendSlug(buf[:0], c.FirstName)
			nf := len(fs)
			ls := appendSlug(fs, c.LastName)
			f, l := ls[:nf:nf], ls[nf:]
			best, bestLen := -1, -1
			if len(f) > 0 && len(l) > 0 {
				var pb [256]byte
				for k := range numPatterns {
					p := appendPattern(pb[:0], k, f, l)
					if len(p) > bestLen && len(p) <= len(local) && local[:len(p)] == string(p) {
						best, bestLen = k, len(p)
					}
				}
			}
			if best >= 0 {
				kind = emailPattern
				dst = append(dst, byte(best))
				dst = appendField(dst, local[bestLen:])
			} else {
				kind = emailDomain
				dst = appendField(dst, local)
			}
			dst = binary.AppendUvarint(dst, uint64(id))
		}
	}
	hdr |= kind << 1
	pk := byte(phoneNone)
	if p := c.Phone; p != "" {
		pk = phoneLiteral
		var digits [10]byte
		switch {
		case phoneDigits(p, "(ddd) ddd-dddd", &digits):
			pk = phoneParen
		case phoneDigits(p, "ddd-ddd-dddd", &digits):
			pk = phoneDash
		}
		if pk == phoneLiteral {
			dst = appendField(dst, p)
		} else {
			for i := 0; i < 10; i += 2 {
				dst = append(dst, digits[i]<<4|digits[i+1])
			}
		}
	}
	hdr |= pk << 4
	dst[h] = hdr
	return dst
}

// phoneDigits reports whether p has the form of layout (d a digit, any
// other byte itself), and sets the ten digits.
func phoneDigits(p, layout string, digits *[10]byte) bool {
	if len(p) != len(layout) {
		return false
	}
	k := 0
	for i := 0; i < len(p); i++ {
		if layout[i] == 'd' {
			if p[i] < '0' || p[i] > '9' {
				return false
			}
			digits[k] = p[i] - '0'
			k++
		} else if p[i] != layout[i] {
			return false
		}
	}
	return true
}

// textRecord is a decoded record: views of the arena; what is derived
// (the name, a patterned email, a packed phone) is made only when asked
// for.
type textRecord struct {
	hdr         byte
	first, last string
	// firstID and lastID are the names' ids in the arena's words plus
	// one; 0 for a name written in the record.
	firstID, lastID uint32
	name            string // unless textDerived
	email           string // emailLiteral: the address; emailDomain, emailPattern: the local part or its rest
	pattern         byte
	domain          uint32
	phone           string // phoneLiteral
	digits          [5]byte
}

func (r *textRecord) emailKind() byte { return r.hdr >> 1 & 7 }
func (r *textRecord) phoneKind() byte { return r.hdr >> 4 & 3 }

// readField reads a uvarint length and that many bytes of s at *i.
func readField(s string, i *int) (string, bool) {
	n, w := uvarintStr(s[*i:])
	if w <= 0 || n > uint64(len(s)-*i-w) {
		return "", false
	}
	*i += w
	out := s[*i : *i+int(n)]
	*i += int(n)
	return out, true
}

func uvarintStr(s string) (uint64, int) {
	var x uint64
	var sh uint
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		b := s[i]
		if b < 0x80 {
			return x | uint64(b)<<sh, i + 1
		}
		x |= uint64(b&0x7f) << sh
		sh += 7
	}
	return 0, 0
}

// readWord reads a first or last name: an id in words with flag set in
// the header, otherwise a field.
func readWord(s string, i *int, hdr, flag byte, words *dict) (string, uint32, bool) {
	if hdr&flag == 0 {
		f, ok := readField(s, i)
		return f, 0, ok
	}
	id, w := uvarintStr(s[*i:])
	if w <= 0 || id >= uint64(words.len()) {
		return "", 0, false
	}
	*i += w
	return words.val(uint32(id)), uint32(id) + 1, true
}

// decodeRecord decodes the record at the start of s (which may run on past
// it) and returns its length; ok is false for one that does not decode
// within s or names a domain or name past the dictionaries.
func decodeRecord(s string, domains, words *dict) (r textRecord, n int, ok bool) {
	if len(s) == 0 {
		return r, 0, false
	}
	r.hdr = s[0]
	i := 1
	if r.first, r.firstID, ok = readWord(s, &i, r.hdr, textFirstID, words); !ok {
		return r, 0, false
	}
	if r.last, r.lastID, ok = readWord(s, &i, r.hdr, textLastID, words); !ok {
		return r, 0, false
	}
	if r.hdr&textDerived == 0 {
		if r.name, ok = readField(s, &i); !ok {
			return r, 0, false
		}
	}
	switch r.emailKind() {
	case emailNone:
	case emailLiteral:
		if r.email, ok = readField(s, &i); !ok {
			return r, 0, false
		}
	case emailPattern, emailDomain:
		if r.emailKind() == emailPattern {
			if i >= len(s) || int(s[i]) >= numPatterns {
				return r, 0, false
			}
			r.pattern = s[i]
			i++
			if !hasSlug(r.first) || !hasSlug(r.last) {
				return r, 0, false
			}
		}
		if r.email, ok = readField(s, &i); !ok {
			return r, 0, false
		}
		id, w := uvarintStr(s[i:])
		if w <= 0 || id >= uint64(domains.len()) {
			return r, 0, false
		}
		r.domain = uint32(id)
		i += w
	default:
		return r, 0, false
	}
	switch r.phoneKind() {
	case phoneNone:
	case phoneLiteral:
		if r.phone, ok = readField(s, &i); !ok {
			return r, 0, false
		}
	default:
		if len(s)-i < 5 {
			return r, 0, false
		}
		copy(r.digits[:], s[i:i+5])
		for _, b := range r.digits {
			if b>>4 > 9 || b&15 > 9 {
				return r, 0, false
			}
		}
		i += 5
	}
	return r, i, true
}

// nameOf returns the contact's name.
func (r *textRecord) nameOf() string {
	if r.hdr&textDerived != 0 {
		return r.first + " " + r.last
	}
	return r.name
}

// hasEmail and hasPhone tell whether the fields are set, without making them.
func (r *textRecord) hasEmail() bool { return r.emailKind() != emailNone }
func (r *textRecord) hasPhone() bool { return r.phoneKind() != phoneNone }

// header returns the header of a reference's record (as a textRecord with
// only hdr set: enough for hasEmail and hasPhone).
func (a *arena) header(ref uint64) textRecord {
	if ref&0xffff == 0 {
		return textRecord{}
	}
	return textRecord{hdr: a.chunks[ref>>48][ref>>16&0xffffffff]}
}

// appendEmail appends the contact's email to dst.
func (r *textRecord) appendEmail(dst []byte, domains *dict) []byte {
	switch r.emailKind() {
	case emailLiteral:
		return append(dst, r.email...)
	case emailPattern, emailDomain:
		dst = r.appendLocal(dst)
		return append(append(dst, '@'), domains.val(r.domain)...)
	}
	return dst
}

// appendLocal appends the local part of an email of kind emailPattern or
// emailDomain (whose domain is r.domain) to dst.
func (r *textRecord) appendLocal(dst []byte) []byte {
	if r.emailKind() == emailPattern {
		var buf [128]byte
		fs := appendSlug(buf[:0], r.first)
		nf := len(fs)
		ls := appendSlug(fs, r.last)
		dst = appendPattern(dst, int(r.pattern), ls[:nf:nf], ls[nf:])
	}
	return append(dst, r.email...)
}

// emailOf returns the contact's email: a view of the arena when it is kept
// whole, otherwise a new string.
func (r *textRecord) emailOf(domains *dict) string {
	if k := r.emailKind(); k == emailNone || k == emailLiteral {
		return r.email
	}
	var buf [96]byte
	return string(r.appendEmail(buf[:0], domains))
}

// phoneOf returns the contact's phone.
func (r *textRecord) phoneOf() string {
	var layout string
	switch r.phoneKind() {
	case phoneNone, phoneLiteral:
		return r.phone
	case phoneParen:
		layout = "(ddd) ddd-dddd"
	default:
		layout = "ddd-ddd-dddd"
	}
	b := make([]byte, len(layout))
	k := 0
	for i := range b {
		if layout[i] != 'd' {
			b[i] = layout[i]
			continue
		}
		d := r.digits[k/2]
		if k%2 == 0 {
			d >>= 4
		}
		b[i] = '0' + d&15
		k++
	}
	return string(b)
}

// placeCore is a place as its placeDoc keeps it: its state and type (as
// interned strings: the facet walks read them), and its other strings in
// one (placeText fields, each a uvarint length and its bytes): one string
// header where pursuit.Place has seven, 120 bytes a place rather than 216.
type placeCore struct {
	PlaceID, Population, FiscalYearStart int64
	StateAbbr, PlaceType                 string
	text                                 string
	CreatedAt, UpdatedAt                 time.Time
}

// The fields of placeCore.text, in order.
const (
	ptName = iota
	ptCounty
	ptWebsite
	ptEmailDomain
	ptGEOID
	ptNCESID
	ptAccountOwner
	numPlaceText
)

// appendPlaceText appends the text of a place's fields, in placeText order.
func appendPlaceText(dst []byte, f *[numPlaceText]string) []byte {
	for _, s := range f {
		dst = appendField(dst, s)
	}
	return dst
}

// newPlaceCore makes the placeCore of p.
func newPlaceCore(p *pursuit.Place) placeCore {
	f := [numPlaceText]string{p.Name, p.County, p.Website, p.EmailDomain, p.GEOID, p.NCESID, p.AccountOwner}
	return placeCore{
		PlaceID: p.PlaceID, Population: p.Population, FiscalYearStart: p.FiscalYearStart,
		StateAbbr: p.StateAbbr, PlaceType: p.PlaceType,
		text:      string(appendPlaceText(nil, &f)),
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
}

// field returns text field i (a view of it).
func (p *placeCore) field(i int) string {
	s, at := p.text, 0
	for k := 0; ; k++ {
		v, ok := readField(s, &at)
		if !ok {
			return "" // newPlaceCore and the snapshot decoder write every field
		}
		if k == i {
			return v
		}
	}
}

// fields returns every text field.
func (p *placeCore) fields() (f [numPlaceText]string) {
	at := 0
	for i := range f {
		f[i], _ = readField(p.text, &at)
	}
	return f
}

func (p *placeCore) Name() string   { return p.field(ptName) }
func (p *placeCore) County() string { return p.field(ptCounty) }

// place returns the place as a pursuit.Place.
func (p *placeCore) place() pursuit.Place {
	f := p.fields()
	return pursuit.Place{
		PlaceID: p.PlaceID, Name: f[ptName], PlaceType: p.PlaceType, StateAbbr: p.StateAbbr, County: f[ptCounty],
		Population: p.Population, Website: f[ptWebsite], EmailDomain: f[ptEmailDomain], GEOID: f[ptGEOID],
		NCESID: f[ptNCESID], AccountOwner: f[ptAccountOwner], CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
		FiscalYearStart: p.FiscalYearStart,
	}
}
