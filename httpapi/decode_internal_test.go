package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
)

// FuzzDecodeJSON feeds arbitrary bodies to decodeJSON for the body types
// of the admin routes. It must never panic; an error is EINVALID or
// ETOOLARGE on a named field, its message free of Go's words; a body it
// accepts is valid UTF-8 and decodes as encoding/json decodes it.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"place_id":1,"name":"Ann","verified_at":"2024-03-01T12:34:56Z"}`,
		`{"place_id":1,"name":"Ann","verified_at":"yesterday"}`,
		`{"place_id":1,"name":"Ann","verified_at":12}`,
		`{"place_id":"1"}`,
		"{\"name\":\"\xff\"}",
		`{"mappings":[{"external_crm_id":"A","place_id":1,"last_synced_time":"x"}]}`,
		`{"filter":{"states":["IL"],"population_min":"x"},"access_type":"full"}`,
		`{"name":"a"} {}`,
		`[1,2]`,
		`{"Verified_At":null,"NAME":"x"}`,
		``,
	} {
		f.Add([]byte(s))
	}
	banned := []string{"time.Time", "json:", "Go value", "Go struct", "UnmarshalJSON", "int64", "reflect", "cannot unmarshal", "parsing time"}
	f.Fuzz(func(t *testing.T, body []byte) {
		check := func(v, std any) {
			r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
			err := decodeJSON(httptest.NewRecorder(), r, 1<<16, v)
			if err == nil {
				if !utf8.Valid(body) {
					t.Fatalf("accepted invalid UTF-8: %q", body)
				}
				if jerr := json.Unmarshal(body, std); jerr != nil {
					t.Fatalf("accepted %q, encoding/json refuses it: %v", body, jerr)
				}
				if diff := cmp.Diff(std, v); diff != "" {
					t.Fatalf("%q decodes otherwise than with encoding/json (-std +ours):\n%s", body, diff)
				}
				return
			}
			code, field, msg := pursuit.ErrorCode(err), pursuit.ErrorField(err), pursuit.ErrorMessage(err)
			if code != pursuit.EINVALID && code != pursuit.ETOOLARGE || field == "" {
				t.Fatalf("%q: error %v (code %q, field %q), want EINVALID on a field", body, err, code, field)
			}
			for _, w := range banned {
				if strings.Contains(msg, w) {
					t.Fatalf("%q: message %q shows Go's %q", body, msg, w)
				}
			}
		}
		check(new(pursuit.Contact), new(pursuit.Contact))
		check(new(pursuit.Place), new(pursuit.Place))
		check(new(grantByFilterInput), new(grantByFilterInput))
		check(new(struct {
			Mappings []mappingInput `json:"mappings"`
		}), new(struct {
			Mappings []mappingInput `json:"mappings"`
		}))
	})
}

// FuzzParseQuery holds parseQuery to url.ParseQuery: what it accepts,
// url.ParseQuery reads the same; what it refuses is an error
// url.ParseQuery reports too (and then drops silently), or one of the
// rules it adds: a pair without a name, text that is not UTF-8 or holds a
// control character, more than MaxQueryParams pairs. Every refusal names
// a parameter (or "query").
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"q=director&state=TX", "q=%zz", "q=director%", "q=director;state=TX", "state=%G1", "=TX", "a=1&&b=2&", "q=%00", "q=%FF", "q=a+b&q=c", "%zz=1", "a;b=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		ours, err := parseQuery(raw)
		std, stdErr := url.ParseQuery(raw)
		if err == nil {
			if stdErr != nil {
				t.Fatalf("parseQuery(%q) accepts what url.ParseQuery refuses: %v", raw, stdErr)
			}
			if diff := cmp.Diff(std, ours); diff != "" {
				t.Fatalf("parseQuery(%q) (-url.ParseQuery +ours):\n%s", raw, diff)
			}
			return
		}
		if pursuit.ErrorCode(err) != pursuit.EINVALID || pursuit.ErrorField(err) == "" {
			t.Fatalf("parseQuery(%q) = %v, want EINVALID on a parameter", raw, err)
		}
		if stdErr != nil {
			return
		}
		ownRule := strings.Count(raw, "&")+1 > MaxQueryParams
		for name, vs := range std {
			if name == "" || pursuit.CheckText("", name) != nil {
				ownRule = true
			}
			for _, v := range vs {
				if pursuit.CheckText("", v) != nil {
					ownRule = true
				}
			}
		}
		if !ownRule {
			t.Fatalf("parseQuery(%q) = %v, but url.ParseQuery reads it and no rule of ours applies", raw, err)
		}
	})
}
