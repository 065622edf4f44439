package httpapi

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestOpenAPISearchParameters checks that openapi.json documents exactly
// the query parameters the search routes accept.
func TestOpenAPISearchParameters(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string][]string{
		"/v1/contacts/search": contactSearchParams,
		"/v1/places/search":   commonSearchParams,
	} {
		var got []string
		for _, p := range doc.Paths[path]["get"].Parameters {
			if p.In == "query" {
				got = append(got, p.Name)
			}
		}
		want = slices.Clone(want)
		slices.Sort(want)
		slices.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("GET %s query parameters: documented vs accepted diff (-accepted +documented):\n%s", path, diff)
		}
	}
}
