package gen

import (
	"context"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// allocateContacts gives every place its exact number of contacts: one
// each, and the rest in proportion to the places' weights (with some
// noise), so that the total is cfg.Contacts. It also sets each place's
// first contact_id.
func (gn *generator) allocateContacts() {
	n := len(gn.info)
	if gn.cfg.Contacts == 0 {
		return
	}
	w := make([]float64, n)
	for i := range gn.info {
		w[i] = gn.info[i].weight * math.Exp(gn.r.NormFloat64()*0.35)
	}
	extra := allocate(gn.cfg.Contacts-n, w)
	next := int64(1)
	for i := range gn.info {
		gn.info[i].contacts = 1 + extra[i]
		gn.info[i].firstID = next
		next += int64(gn.info[i].contacts)
	}
}

// placeOfContact returns the index of the place a contact_id belongs to.
func (gn *generator) placeOfContact(id int64) int {
	return sort.Search(len(gn.info), func(i int) bool {
		return gn.info[i].firstID+int64(gn.info[i].contacts) > id
	})
}

// contactState is the per-place state of contact generation.
type contactState struct {
	place     *pursuit.Place
	info      *placeInfo
	set       *cSet
	pattern   int
	areaCodes []string
	area      string
	domain    string // of the places that own locals
	exchange  int
	locals    map[string]int
	deptSalt  int
}

// emailPatterns weigh the local-part patterns governments use:
// first.last, flast, firstl, first_last, firstlast, lastf, f.last.
var emailPatterns = []int{35, 35, 5, 5, 8, 6, 6}

func (gn *generator) writeContacts(ctx context.Context, w pursuit.BulkWriter, progress func(string, int64)) error {
	b := newBatcher(ctx, gn.cfg.batch(), pursuit.TableContacts, progress, w.UpsertContacts)
	st := &contactState{locals: map[string]int{}}
	id := int64(0)
	for pi := range gn.places {
		gn.startPlace(st, pi)
		for k := 0; k < st.info.contacts; k++ {
			id++
			c := gn.contact(st, k)
			c.ContactID = id
			c.EmailStatus = gn.emailStatus(&c)
			if err := b.add(c); err != nil {
				return err
			}
		}
	}
	return b.flush()
}

func (gn *generator) startPlace(st *contactState, pi int) {
	st.place, st.info = &gn.places[pi], &gn.info[pi]
	st.set = st.info.set
	pattern := gn.pickWeighted(emailPatterns)
	st.areaCodes = st.info.state.AreaCodes
	st.area = st.areaCodes[gn.r.IntN(len(st.areaCodes))]
	st.exchange = gn.exchange()
	if st.place.EmailDomain != st.domain {
		// Places that share a domain (a library system and its branches,
		// which follow it) share its addresses and its pattern.
		st.domain, st.pattern = st.place.EmailDomain, pattern
		clear(st.locals)
	}
	st.deptSalt = gn.r.IntN(1 << 20)
}

// exchange returns a plausible central-office code: 201-989, not N11 and
// not 555.
func (gn *generator) exchange() int {
	for {
		x := 201 + gn.r.IntN(789)
		if x%100 != 11 && x != 555 {
			return x
		}
	}
}

func (gn *generator) contact(st *contactState, k int) pursuit.Contact {
	r := gn.r
	first := gn.g.FirstNames.pick(r)
	last := gn.g.Surnames.pick(r)
	c := pursuit.Contact{PlaceID: st.place.PlaceID, FirstName: first, LastName: last}
	switch x := r.IntN(100); {
	case x < 6:
		c.Name = first + " " + string(rune('A'+r.IntN(26))) + ". " + last
	case x < 7:
		c.Name = first + " " + last + " Jr."
	default:
		c.Name = first + " " + last
	}

	var ro *cRole
	if k < len(st.set.leaders) {
		ro = &st.set.leaders[k]
	} else {
		x := r.IntN(st.set.staffCum[len(st.set.staffCum)-1])
		ro = &st.set.staff[sort.SearchInts(st.set.staffCum, x+1)]
	}
	c.Title = ro.canon
	if len(ro.variants) > 0 && r.IntN(100) < 45 {
		c.Title = ro.variants[r.IntN(len(ro.variants))]
	}
	if r.IntN(200) == 0 {
		c.Title = strings.ToUpper(c.Title)
	}
	dv := roles.depts[ro.dept]
	c.Department = dv[(st.deptSalt+ro.dept*7919)%len(dv)]
	if st.info.prog != "" && roles.program[ro.dept] {
		// Program staff work in the agency's own line of business.
		c.Department = st.info.prog
	}
	if r.IntN(25) == 0 {
		c.Department = ""
	}

	if r.IntN(50) != 0 {
		c.Email = gn.email(st, first, last) + "@" + st.place.EmailDomain
	}
	if r.IntN(25) != 0 {
		c.Phone = gn.phone(st)
	}

	if r.IntN(100) < 12 {
		c.CreatedAt = gn.timeBetween(6*365*24*time.Hour, 30*24*time.Hour)
	} else {
		c.VerifiedAt = gn.timeBetween(3*365*24*time.Hour, 0)
		c.CreatedAt = gn.timeBetween(6*365*24*time.Hour, time.Duration(gn.base.Sub(c.VerifiedAt)))
	}
	c.UpdatedAt = c.CreatedAt
	if c.VerifiedAt.After(c.UpdatedAt) {
		c.UpdatedAt = c.VerifiedAt
	}
	switch {
	case st.place.AccountOwner != "" && r.IntN(10) < 6:
		c.AccountOwner = st.place.AccountOwner
	case r.IntN(40) == 0:
		c.AccountOwner = salesReps[r.IntN(len(salesReps))]
	}
	return c
}

// email returns a local part unique within the place: jsmith, jsmith1, …
func (gn *generator) email(st *contactState, first, last string) string {
	f, l := slug(first), slug(last)
	if f == "" {
		f = "staff"
	}
	if l == "" {
		l = "member"
	}
	var local string
	switch st.pattern {
	case 0:
		local = f + "." + l
	case 1:
		local = f[:1] + l
	case 2:
		local = f + l[:1]
	case 3:
		local = f + "_" + l
	case 4:
		local = f + l
	case 5:
		local = l + f[:1]
	default:
		local = f[:1] + "." + l
	}
	n := st.locals[local]
	st.locals[local] = n + 1
	if n == 0 {
		return local
	}
	// jsmith1 may itself be someone's plain local part; keep counting.
	for {
		cand := local + strconv.Itoa(n)
		if st.locals[cand] == 0 {
			st.locals[cand] = 1
			return cand
		}
		n++
	}
}

// phone formats a number on one of the state's area codes the ways
// directories print them.
func (gn *generator) phone(st *contactState) string {
	r := gn.r
	area, ex := st.area, st.exchange
	if r.IntN(5) == 0 {
		area, ex = st.areaCodes[r.IntN(len(st.areaCodes))], gn.exchange()
	}
	line := r.IntN(10000)
	b := make([]byte, 0, 28)
	switch x := r.IntN(20); {
	case x < 16:
		b = append(b, '(')
		b = append(b, area...)
		b = append(b, ") "...)
		b = strconv.AppendInt(b, int64(ex), 10)
		b = append(b, '-')
		b = appendPad4(b, line)
	case x < 18:
		b = append(b, area...)
		b = append(b, '-')
		b = strconv.AppendInt(b, int64(ex), 10)
		b = append(b, '-')
		b = appendPad4(b, line)
	case x < 19:
		b = append(b, area...)
		b = append(b, '.')
		b = strconv.AppendInt(b, int64(ex), 10)
		b = append(b, '.')
		b = appendPad4(b, line)
	default:
		b = append(b, '(')
		b = append(b, area...)
		b = append(b, ") "...)
		b = strconv.AppendInt(b, int64(ex), 10)
		b = append(b, "-1000 ext. "...)
		b = strconv.AppendInt(b, int64(100+line%900), 10)
	}
	return string(b)
}

func appendPad4(b []byte, n int) []byte {
	return append(b, byte('0'+n/1000), byte('0'+n/100%10), byte('0'+n/10%10), byte('0'+n%10))
}
