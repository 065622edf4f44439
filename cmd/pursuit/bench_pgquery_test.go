package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/search"
)

// TestEngineTSQuery pins the expansion of a few queries: abbreviations
// become alternatives, a multi-word synonym's forms become phrases, words
// analysed together find the synonym they spell, and a phrase keeps its
// order.
func TestEngineTSQuery(t *testing.T) {
	for _, c := range []struct {
		words, phrase []string
		want          string
	}{
		{[]string{"director"}, nil, `('director' | 'dir')`},
		{[]string{"it", "director"}, nil, `('it' | (('inform' | 'info') <-> ('technolog' | 'tech'))) & ('director' | 'dir')`},
		{[]string{"Human", "Resources"}, nil, `('hr' | 'hrs' | ('human' <-> 'resourc'))`},
		{nil, []string{"public", "works"}, `('dpw' | ('public' <-> 'work') | (('depart' | 'dept') <2> 'public' <-> 'work'))`},
		{nil, []string{"finance", "director"}, `('financ' <-> ('director' | 'dir'))`},
		{[]string{"the", "police"}, nil, `'polic'`},
		{[]string{"of"}, nil, ``},
		{nil, nil, ``},
	} {
		if got := engineTSQuery(c.words, c.phrase); got != c.want {
			t.Errorf("engineTSQuery(%q, %q) = %s, want %s", c.words, c.phrase, got, c.want)
		}
	}
}

// pgBaselineTitles are job titles and departments written the many ways
// the analyser unifies: abbreviations, synonyms and their long forms,
// plurals and other inflections.
var pgBaselineTitles = []string{
	"IT Director", "Director of Information Technology", "Info Tech Dir", "Directors", "Information Systems Manager",
	"Asst. Director of Finance", "Assistant Finance Director", "Chief Information Officer", "CIO", "Deputy CIO",
	"HR Manager", "Human Resources Mgr", "Human Resource Generalist", "Department of Public Works Supervisor",
	"Public Works Director", "DPW Foreman", "Police Chief", "Chief of Police", "Chf of Police", "Policing Analyst",
	"GIS Analyst", "Geographic Information Systems Coordinator", "City Clerk", "Clerk", "Fire Chief", "Managing Director",
	"Management Analyst", "Technology Specialist", "Sr. Engineer", "Engineering Tech", "Treasurer", "Payroll Clerks",
	"Procurement Officer", "Purchasing Agent", "Superintendent of Schools", "Asst Supt", "Emergency Medical Services Chief",
	"EMS Coordinator", "Finance", "Operations Manager", "Ops Mgr", "Admin Assistant", "Administrative Assistant",
}

var pgBaselineDepts = []string{"IT", "Information Technology", "Finance", "Public Works", "Human Resources", "HR", "Police",
	"Administration", "Admin", "Fire", "Operations", "Purchasing", "Schools", ""}

var pgBaselineQueries = []struct{ words, phrase []string }{
	{[]string{"director"}, nil}, {[]string{"it"}, nil}, {[]string{"it", "director"}, nil}, {[]string{"information", "technology"}, nil},
	{[]string{"cio"}, nil}, {[]string{"chief", "information", "officer"}, nil}, {[]string{"hr"}, nil}, {[]string{"human", "resources"}, nil},
	{[]string{"manager"}, nil}, {[]string{"managing"}, nil}, {[]string{"assistant"}, nil}, {[]string{"police"}, nil},
	{[]string{"chief"}, nil}, {[]string{"gis"}, nil}, {[]string{"clerk"}, nil}, {[]string{"engineer"}, nil},
	{[]string{"superintendent"}, nil}, {[]string{"operations"}, nil}, {[]string{"admin"}, nil}, {[]string{"ems"}, nil},
	{[]string{"finance", "director"}, nil}, {[]string{"dpw"}, nil},
	{nil, []string{"public", "works"}}, {nil, []string{"police", "chief"}}, {nil, []string{"finance", "director"}},
	{nil, []string{"city", "clerk"}}, {nil, []string{"information", "technology"}}, {nil, []string{"fire", "chief"}},
	{[]string{"director"}, []string{"information", "technology"}}, {nil, []string{"human", "resources"}},
}

// TestPGBaselineAsksTheEngineQuestion loads random contacts, titled from
// pgBaselineTitles, into PostgreSQL, builds the engine's index over the
// same store, and checks that for every query the baseline's tsquery over
// the pursuit_english documents matches exactly the contacts the engine
// finds: the benchmark's ratio then compares equal answers.
func TestPGBaselineAsksTheEngineQuestion(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 11))
			base := int64(seed) * 10000
			cust := pursuit.Customer{CustomerID: base, Name: fmt.Sprintf("Customer %d", seed), Email: "buyer@example.org"}
			var places []pursuit.Place
			var grants []pursuit.CustomerPlaceRelation
			for i := range 5 {
				id := base + int64(i) + 1
				places = append(places, pursuit.Place{PlaceID: id, Name: fmt.Sprintf("Place %d", id), PlaceType: pursuit.PlaceTypeCounty,
					StateAbbr: []string{"NY", "CA", "TX"}[i%3], County: "County"})
				grants = append(grants, pursuit.CustomerPlaceRelation{CustomerID: cust.CustomerID, PlaceID: id, AccessType: pursuit.AccessFull})
			}
			var contacts []pursuit.Contact
			for i := range 150 + r.IntN(100) {
				contacts = append(contacts, pursuit.Contact{ContactID: base + int64(i) + 1, PlaceID: places[r.IntN(len(places))].PlaceID,
					Name: "Pat Jones", FirstName: "Pat", LastName: "Jones", Email: fmt.Sprintf("p%d@example.org", i),
					Title: pgBaselineTitles[r.IntN(len(pgBaselineTitles))], Department: pgBaselineDepts[r.IntN(len(pgBaselineDepts))]})
			}
			err := s.Bulk(ctx, func(w pursuit.BulkWriter) error {
				if err := w.UpsertCustomers(ctx, []pursuit.Customer{cust}); err != nil {
					return err
				}
				if err := w.UpsertPlaces(ctx, places); err != nil {
					return err
				}
				if err := w.UpsertContacts(ctx, contacts); err != nil {
					return err
				}
				return w.UpsertPlaceGrants(ctx, grants)
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := preparePGEnglish(ctx, s.Pool(), io.Discard); err != nil {
				t.Fatal(err)
			}
			ix, err := search.Build(ctx, s, search.Options{})
			if err != nil {
				t.Fatal(err)
			}
			title := map[int64]string{}
			for _, c := range contacts {
				title[c.ContactID] = c.Title + " / " + c.Department
			}
			matched := 0
			for _, q := range pgBaselineQueries {
				bq := benchQuery{customer: cust.CustomerID, words: q.words, phrase: q.phrase}
				var want []int64
				req := search.Request{Q: bq.q(), Limit: search.MaxLimit}
				for {
					res, err := ix.SearchContacts(cust.CustomerID, req)
					if err != nil {
						t.Fatalf("engine %q: %v", bq.q(), err)
					}
					for _, h := range res.Hits {
						want = append(want, h.Contact.ContactID)
					}
					if res.NextCursor == "" {
						break
					}
					req.Cursor = res.NextCursor
				}
				slices.Sort(want)
				rows, err := s.Pool().Query(ctx, `SELECT contact_id FROM contacts c WHERE contact_id BETWEEN $2 AND $2 + 9999 AND `+
					pgEnglishTSV+` @@ $1::tsquery ORDER BY 1`, engineTSQuery(q.words, q.phrase), base)
				if err != nil {
					t.Fatalf("postgres %q (%s): %v", bq.q(), engineTSQuery(q.words, q.phrase), err)
				}
				var got []int64
				for rows.Next() {
					var id int64
					rows.Scan(&id)
					got = append(got, id)
				}
				rows.Close()
				if !slices.Equal(got, want) {
					var only []string
					for _, id := range want {
						if !slices.Contains(got, id) {
							only = append(only, "engine only: "+title[id])
						}
					}
					for _, id := range got {
						if !slices.Contains(want, id) {
							only = append(only, "postgres only: "+title[id])
						}
					}
					t.Errorf("%q: engine %d contacts, postgres %d (tsquery %s):\n  %s", bq.q(), len(want), len(got),
						engineTSQuery(q.words, q.phrase), strings.Join(only, "\n  "))
				}
				if len(want) > 0 {
					matched++
				}
			}
			if matched < len(pgBaselineQueries)*3/4 {
				t.Fatalf("only %d of %d queries match anything: the data does not exercise the expansion", matched, len(pgBaselineQueries))
			}
		})
	}
}
