package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/gen"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// stateOptions are the options of every index the state tests compare:
// one clock, so that the static scores (recency) are the same, and a
// random batch size for following.
func stateOptions(r *rand.Rand) Options {
	opt := fixedOptions()
	opt.BatchSize = []int{1, 7, 50, 5000}[r.IntN(4)]
	return opt
}

// sameState fails unless two indexes hold the same state (indexState,
// modulo ordinals and dead slots) and neither has a problem; it also
// compares the statistics each would score a few searches of every
// customer with.
func sameState(t *testing.T, what string, want, got *Index) {
	t.Helper()
	if diff := stateDiff(t, want, got); diff != "" {
		t.Fatalf("%s: the followed index differs from the built one:\n%s", what, diff)
	}
}

// stateDiff describes how got's state differs from want's, "" when it
// does not.
func stateDiff(t *testing.T, want, got *Index) string {
	t.Helper()
	ws, wp := want.state()
	gs, gp := got.state()
	var out []string
	if len(wp) > 0 {
		out = append(out, "the built index: "+strings.Join(wp, "; "))
	}
	if len(gp) > 0 {
		out = append(out, "the followed index: "+strings.Join(gp, "; "))
	}
	if diff := cmp.Diff(ws, gs); diff != "" {
		if len(diff) > 6000 {
			diff = diff[:6000] + "\n…"
		}
		out = append(out, "state (-built +followed):\n"+diff)
	}
	if len(ws.Contacts) == 0 || len(ws.Customers) == 0 || len(ws.Postings["name"]) == 0 {
		t.Fatalf("compared an index of %d contacts, %d customers, %d name terms: too little to tell",
			len(ws.Contacts), len(ws.Customers), len(ws.Postings["name"]))
	}
	for cust := range ws.Customers {
		for _, q := range []string{"director", "smith jane", "email:smith works", `"public works" manager`, "county springfield"} {
			if diff := cmp.Diff(customerStats(t, want, cust, q), customerStats(t, got, cust, q)); diff != "" {
				out = append(out, fmt.Sprintf("customer %d q=%q: statistics (-built +followed):\n%s", cust, q, diff))
			}
		}
	}
	return strings.Join(out, "\n")
}

// customerStats returns the statistics a contacts and a places search of
// q by customer cust are scored with.
func customerStats(t *testing.T, ix *Index, cust int64, q string) [2]*stats {
	t.Helper()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	c := ix.customers[cust]
	if c == nil {
		return [2]*stats{}
	}
	pc, err := compile(Request{Q: q}, true)
	must(t, err)
	pp, err := compile(Request{Q: strings.ReplaceAll(q, "email:", "")}, false)
	must(t, err)
	return [2]*stats{ix.contactStats(c, pc), ix.placeStats(c, pp)}
}

// TestBuildEqualsFollow proves the index's two ways of taking rows in
// give the same index. "replay" builds one index from a store, and
// another from an empty store into which the same rows are then written,
// so that it takes every row in as an insert from the change log (in two
// waves: places, part of the tech stack, place grants and place mappings
// first; contacts, their grants and mappings and the rest of the tech
// stack after, so that rows arrive after what refers to them or what they
// refer to). "gen" does the same with the generator's rows. "changes"
// follows random updates and deletes of every table and compares with a
// fresh build of the store after each round. Sizes, seeds and the
// follower's batch size are random.
func TestBuildEqualsFollow(t *testing.T) {
	t.Parallel() // a long property test: runs beside the others (the -race run's long pole)
	ctx := context.Background()
	for _, seed := range seeds(3) { // seed 1 takes the build's parallel analysis
		r := rand.New(rand.NewPCG(seed, 1234))
		t.Run(fmt.Sprint("replay seed ", seed), func(t *testing.T) {
			w := newWorld(r, 10+r.IntN(40), 50+r.IntN(600), 2+r.IntN(4))
			w.fixTimes()
			a := testdb.SQLite(t)
			w.load(t, a)
			built, err := Build(ctx, a, stateOptions(r))
			must(t, err)
			b := testdb.SQLite(t)
			followed, err := Build(ctx, b, stateOptions(r))
			must(t, err)
			first, second := w.waves(r)
			first.load(t, b)
			must(t, followed.Sync(ctx))
			second.load(t, b)
			must(t, followed.Sync(ctx))
			sameState(t, "replay", built, followed)
		})
		t.Run(fmt.Sprint("gen seed ", seed), func(t *testing.T) {
			places := 5 + r.IntN(40)
			cfg := gen.Config{Seed: int64(seed), Places: places, Contacts: places * (1 + r.IntN(20)), Customers: 1 + r.IntN(5), BatchSize: 1 + r.IntN(500)}
			if seed == 1 {
				// Big enough for the build's parallel analysis
				// (parallelText).
				cfg.Places, cfg.Contacts = 200, 2*parallelText
			}
			generate := func(s pursuit.Store) {
				must(t, s.Bulk(ctx, func(bw pursuit.BulkWriter) error { return gen.Generate(ctx, cfg, bw, nil) }))
			}
			a := testdb.SQLite(t)
			generate(a)
			built, err := Build(ctx, a, stateOptions(r))
			must(t, err)
			b := testdb.SQLite(t)
			opt := stateOptions(r)
			if seed == 1 {
				// The big case is about the build's parallel path;
				// following its 10,000 changes a row at a time (the
				// small cases do that) took three minutes under -race.
				opt.BatchSize = 5000
			}
			followed, err := Build(ctx, b, opt)
			must(t, err)
			generate(b)
			must(t, followed.Sync(ctx))
			sameState(t, fmt.Sprintf("gen %+v", cfg), built, followed)
		})
		t.Run(fmt.Sprint("changes seed ", seed), func(t *testing.T) {
			w := newWorld(r, 10+r.IntN(30), 50+r.IntN(400), 2+r.IntN(3))
			s := testdb.SQLite(t)
			w.load(t, s)
			followed, err := Build(ctx, s, stateOptions(r))
			must(t, err)
			for round := range 4 {
				for range 10 + r.IntN(60) {
					mutate(t, r, s, w)
					w = worldFromStore(t, s)
				}
				must(t, followed.Sync(ctx))
				built, err := Build(ctx, s, stateOptions(r))
				must(t, err)
				sameState(t, fmt.Sprint("after round ", round), built, followed)
			}
		})
	}
}

// waves splits a world's rows into two loads that each satisfy the
// store's foreign keys: places, part of the tech stack, the place grants
// and place mappings; then the contacts, their grants and mappings, and
// the rest.
func (w *world) waves(r *rand.Rand) (first, second *world) {
	first = &world{customers: w.customers, places: w.places, pgrants: w.pgrants}
	second = &world{contacts: w.contacts, cgrants: w.cgrants}
	for _, ts := range w.techs {
		if r.IntN(2) == 0 {
			first.techs = append(first.techs, ts)
		} else {
			second.techs = append(second.techs, ts)
		}
	}
	for _, m := range w.mappings {
		if m.PlaceID != 0 {
			first.mappings = append(first.mappings, m)
		} else {
			second.mappings = append(second.mappings, m)
		}
	}
	return first, second
}

// TestStateSeesEveryStructure checks the comparison itself: an index
// built twice from one store compares equal, and a change to any one of
// its structures (as a writer that forgot or botched it would leave)
// makes it differ.
func TestStateSeesEveryStructure(t *testing.T) {
	t.Parallel() // a long property test: runs beside the others (the -race run's long pole)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(8, 9))
	w := newWorld(r, 20, 300, 3)
	s := testdb.SQLite(t)
	w.load(t, s)
	opt := stateOptions(r)
	want, err := Build(ctx, s, opt)
	must(t, err)
	// o is a contact with an email, a phone, a title, a department, a
	// vendor, a verified_at and a customer that sees it in full.
	pick := func(ix *Index) (uint32, *customer) {
		for o := range ix.contacts {
			d := &ix.contacts[o]
			_, _, _, email, phone := ix.unpack(d)
			h := &ix.hot[o]
			pd := &ix.places[h.place]
			if email == "" || phone == "" || h.title == 0 || h.dept == 0 || len(pd.vendors) == 0 || d.verified == 0 {
				continue
			}
			for _, c := range ix.customers {
				if c.full.Contains(uint32(o)) && c.mapsByPlace.len() > 0 {
					return uint32(o), c
				}
			}
		}
		t.Fatal("no contact with every field")
		return 0, nil
	}
	tests := []struct {
		name    string
		corrupt func(ix *Index, o uint32, c *customer)
	}{
		{"name posting", func(ix *Index, o uint32, c *customer) {
			name, _, _, _, _ := ix.unpack(&ix.contacts[o])
			ix.fields[fName].remove(ix.a.Terms(name, nil)[0], o)
		}},
		{"email posting", func(ix *Index, o uint32, c *customer) { ix.fields[fEmail].add("zzzz", o) }},
		{"title length sum", func(ix *Index, o uint32, c *customer) { ix.fields[fTitle].totalLen++ }},
		{"pair postings", func(ix *Index, o uint32, c *customer) {
			h := &ix.hot[o]
			ix.pairDocs.remove(pairKey(h.title, h.dept), o)
		}},
		{"department filter", func(ix *Index, o uint32, c *customer) {
			ix.deptKeys.remove(normKey(ix.depts.vals[ix.hot[o].dept].s), o)
		}},
		{"has_phone", func(ix *Index, o uint32, c *customer) { ix.hasPhone.Remove(o) }},
		{"function", func(ix *Index, o uint32, c *customer) { ix.functions[0].Add(o); ix.functions[1].Add(o) }},
		{"vendor filter", func(ix *Index, o uint32, c *customer) {
			ix.vendors.remove(ix.places[ix.hot[o].place].vendors[0], o)
		}},
		{"tier", func(ix *Index, o uint32, c *customer) {
			t := ix.tierOf(ix.hot[o].static)
			ix.tiers[t].Remove(o)
			ix.tiers[(t+1)%numTiers].Add(o)
		}},
		{"population bucket", func(ix *Index, o uint32, c *customer) {
			ix.pop.remove(o, ix.places[ix.hot[o].place].p.Population)
		}},
		{"verified bucket bounds", func(ix *Index, o uint32, c *customer) {
			b := ix.verified.buckets[monthBucket(ix.contacts[o].verified)]
			b.max = b.min - 1
		}},
		{"static score", func(ix *Index, o uint32, c *customer) {
			ix.hot[o].static += 0.25
		}},
		{"hot array", func(ix *Index, o uint32, c *customer) { ix.hot[o].emailLen++ }},
		{"place hot array", func(ix *Index, o uint32, c *customer) { ix.placeHot[ix.hot[o].place].typeID++ }},
		{"interned title", func(ix *Index, o uint32, c *customer) { ix.titles.vals[ix.hot[o].title].s += " (changed)" }},
		{"dead ordinal in a filter", func(ix *Index, o uint32, c *customer) {
			ix.contacts = append(ix.contacts, contactDoc{id: 1 << 40})
			ix.states.add("NY", uint32(len(ix.contacts)-1))
		}},
		{"visible set", func(ix *Index, o uint32, c *customer) { c.visible.Remove(o) }},
		{"email length sum", func(ix *Index, o uint32, c *customer) { c.lens[fEmail]++ }},
		{"place length sum", func(ix *Index, o uint32, c *customer) { c.placeLens[pfCounty]-- }},
		{"mapped owners", func(ix *Index, o uint32, c *customer) { c.owners.add("mallory", o) }},
		{"customer listed on a place", func(ix *Index, o uint32, c *customer) {
			for pid := range c.mapsByPlace.all {
				if s := ix.placeCust.find(pid); s.room != 0 {
					s.n = 0
				}
			}
		}},
		{"place posting", func(ix *Index, o uint32, c *customer) { ix.pfields[pfName].add("zzzz", ix.hot[o].place) }},
		{"place vendor spelling", func(ix *Index, o uint32, c *customer) {
			pd := &ix.places[ix.hot[o].place]
			pd.vendorSpells[0] = ix.spells.intern(nil, "MICRO SOFT", false)
			ix.syncPlaceHot(ix.hot[o].place)
		}},
		{"place's contact list", func(ix *Index, o uint32, c *customer) {
			pd := &ix.places[ix.hot[o].place]
			pd.contacts = pd.contacts[1:]
		}},
		{"tech row", func(ix *Index, o uint32, c *customer) {
			for id, row := range ix.techs.all() {
				row.category = ix.name("fax machines")
				ix.techs.set(id, row)
				return
			}
		}},
		{"mapping row", func(ix *Index, o uint32, c *customer) {
			for id, m := range ix.mappings.all() {
				m.owner = ix.name("mallory")
				ix.mappings.set(id, m)
				return
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Build(ctx, s, opt)
			must(t, err)
			if diff := stateDiff(t, want, got); diff != "" {
				t.Fatalf("before the change: %s", diff)
			}
			o, c := pick(got)
			got.mu.Lock()
			tt.corrupt(got, o, c)
			got.mu.Unlock()
			if stateDiff(t, want, got) == "" {
				t.Fatalf("the comparison does not see a changed %s", tt.name)
			}
		})
	}
}
