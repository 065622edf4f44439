package httpapi

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
)

// TestOpenAPISearchParameters checks that openapi.json documents exactly
// the query parameters the search routes accept.
func TestOpenAPISearchParameters(t *testing.T) {
	for path, want := range map[string][]string{
		"/v1/contacts/search": append(append([]string(nil), contactSearchParams...), rankParams...),
		"/v1/places/search":   commonSearchParams,
		// An export takes a contacts search (cursor and facets are then
		// refused by name) and its format.
		"/v1/crm/export/search": append(append([]string(nil), contactSearchParams...), "format"),
	} {
		got := slices.Clone(documentedQueryParams()["GET "+path])
		want = slices.Clone(want)
		slices.Sort(want)
		slices.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("GET %s query parameters: documented vs accepted diff (-accepted +documented):\n%s", path, diff)
		}
	}
}

// TestOpenAPIRowSchemas checks that the document's schema of each seed
// table has exactly the described columns, in order, each with the type
// and format of its kind, and the allowed values of an enum column.
func TestOpenAPIRowSchemas(t *testing.T) {
	type prop struct {
		Type   string   `json:"type"`
		Format string   `json:"format"`
		Enum   []string `json:"enum"`
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	for schema, info := range map[string]pursuit.TableInfo{
		"Customer": pursuit.Customers.Info(), "Place": pursuit.Places.Info(), "Contact": pursuit.Contacts.Info(),
		"TechStack": pursuit.TechStacks.Info(), "PlaceGrant": pursuit.PlaceGrants.Info(),
		"ContactGrant": pursuit.ContactGrants.Info(), "CustomerMapping": pursuit.Mappings.Info(),
	} {
		raw := doc.Components.Schemas[schema].Properties
		var props map[string]prop
		if err := json.Unmarshal(raw, &props); err != nil {
			t.Fatalf("%s: %v", schema, err)
		}
		order, err := jsonKeys(raw)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, c := range info.Columns {
			want = append(want, c.Name)
			p := props[c.Name]
			w := map[pursuit.Kind]prop{pursuit.KindInt: {"integer", "int64", nil}, pursuit.KindText: {"string", "", nil},
				pursuit.KindTime: {"string", "date-time", nil}}[c.Kind]
			w.Enum = c.Enum
			if diff := cmp.Diff(w, p); diff != "" {
				t.Errorf("%s.%s: documented type differs from the description (-described +documented):\n%s", schema, c.Name, diff)
			}
		}
		if diff := cmp.Diff(want, order); diff != "" {
			t.Errorf("%s: documented properties differ from the described columns (-described +documented):\n%s", schema, diff)
		}
	}
}

// jsonKeys returns the keys of a JSON object in document order.
func jsonKeys(raw json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}
