package search

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// TestFacetLabelsFromVisibleRows is the attack on facet labels: a
// department or vendor bucket must not show a spelling that only rows
// outside the customer's grants have. Two stores hold the same rows of
// customer 1 ("Legal" three times and "legal" once, vendor "Esri"); the
// second also has customer 2's rows, met first (lower ids, and indexed
// before customer 1's when followed), spelt "LEGAL" and "ESRI". Customer
// 1's facets must be the same in both, by walk and by bitmap, built and
// followed, and label each bucket with the spelling most of its own
// matching rows have.
func TestFacetLabelsFromVisibleRows(t *testing.T) {
	ctx := context.Background()
	mine := &world{
		customers: []pursuit.Customer{{CustomerID: 1, Name: "Mine", Email: "m@example.com"}, {CustomerID: 2, Name: "Other", Email: "o@example.com"}},
		places:    []pursuit.Place{{PlaceID: 50, Name: "Springfield", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "IL", EmailDomain: "sp.gov"}},
		techs:     []pursuit.TechStack{{TechStackID: 50, PlaceID: 50, Vendor: "Esri", Product: "ArcGIS", Category: "gis"}},
		pgrants:   []pursuit.CustomerPlaceRelation{{CustomerID: 1, PlaceID: 50, AccessType: pursuit.AccessFull}},
	}
	for i, d := range []string{"Legal", "legal", "Legal", "Legal", "Finance"} {
		mine.contacts = append(mine.contacts, pursuit.Contact{ContactID: int64(500 + i), PlaceID: 50, Name: fmt.Sprintf("Person %d", i), Title: "Counsel", Department: d})
	}
	hidden := &world{
		places:  []pursuit.Place{{PlaceID: 1, Name: "Shelbyville", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "IL", EmailDomain: "sh.gov"}},
		techs:   []pursuit.TechStack{{TechStackID: 1, PlaceID: 1, Vendor: "ESRI", Product: "ArcGIS", Category: "gis"}},
		pgrants: []pursuit.CustomerPlaceRelation{{CustomerID: 2, PlaceID: 1, AccessType: pursuit.AccessFull}},
	}
	for i := range 40 {
		hidden.contacts = append(hidden.contacts, pursuit.Contact{ContactID: int64(1 + i), PlaceID: 1, Name: fmt.Sprintf("Hidden %d", i), Title: "Counsel", Department: "LEGAL"})
	}
	both := &world{customers: mine.customers}
	for _, w := range []*world{hidden, mine} {
		both.places = append(both.places, w.places...)
		both.contacts = append(both.contacts, w.contacts...)
		both.techs = append(both.techs, w.techs...)
		both.pgrants = append(both.pgrants, w.pgrants...)
	}
	// followed meets customer 2's rows at the build and customer 1's
	// through the change log.
	followed := func() *Index {
		s := testdb.SQLite(t)
		h := *hidden
		h.customers = mine.customers
		h.load(t, s)
		ix, err := Build(ctx, s, Options{})
		must(t, err)
		m := *mine
		m.customers = nil
		m.load(t, s)
		must(t, ix.Sync(ctx))
		return ix
	}
	indexes := map[string]*Index{"built": both.build(t, Options{}), "followed": followed()}
	alone := mine.build(t, Options{})
	reqs := []Request{{Facets: true}, {Q: "counsel", Facets: true}, {Departments: []string{"LEGAL"}, Facets: true}, {Q: "legal", Facets: true}}
	wantDept := []Bucket{{Value: "Legal", Count: 4}, {Value: "Finance", Count: 1}}
	for _, walk := range []bool{true, false} {
		tune := func(ix *Index) {
			ix.facetWalk = facetWalk
			if !walk {
				ix.facetWalk = 0
			}
		}
		tune(alone)
		for _, req := range reqs {
			want, err := alone.SearchContacts(1, req)
			must(t, err)
			if req.Q == "" && req.Departments == nil {
				if diff := cmp.Diff(wantDept, want.Facets[FacetDepartment]); diff != "" {
					t.Errorf("department facet alone (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff([]Bucket{{Value: "Esri", Count: 5}}, want.Facets[FacetVendor]); diff != "" {
					t.Errorf("vendor facet alone (-want +got):\n%s", diff)
				}
			}
			for name, ix := range indexes {
				tune(ix)
				got, err := ix.SearchContacts(1, req)
				must(t, err)
				if diff := cmp.Diff(want.Facets, got.Facets); diff != "" {
					t.Errorf("walk %v, %s, %+v: customer 1's facets show rows outside its grants (-alone +with them):\n%s", walk, name, req, diff)
				}
			}
		}
		want, err := alone.SearchPlaces(1, Request{Facets: true})
		must(t, err)
		for name, ix := range indexes {
			got, err := ix.SearchPlaces(1, Request{Facets: true})
			must(t, err)
			if diff := cmp.Diff(want.Facets, got.Facets); diff != "" {
				t.Errorf("%s: customer 1's place facets show rows outside its grants (-alone +with them):\n%s", name, diff)
			}
		}
	}
}
