package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/pursuit-gov/pursuit"
)

// MaxQueryParams caps the number of parameters of a URL query. The
// largest request the API knows has about twenty; lists may also be given
// comma-separated.
const MaxQueryParams = 1000

// parseQuery parses a raw URL query strictly. url.ParseQuery drops a pair
// it cannot decode and goes on (and r.URL.Query() drops the error too), so
// a filter with a bad escape would silently vanish and the search run
// without it; here any pair that cannot be read fails the request, naming
// the parameter:
//
//   - a bad percent-escape in a name or a value ("%zz", a trailing "%");
//   - a ';' outside an escape (Go no longer splits on it, and a client
//     that means it as a separator would lose its filters);
//   - a pair without a name ("=TX");
//   - a name or a value that is not valid UTF-8 or holds a control
//     character other than tab, LF and CR (the rule of every stored text);
//   - more than MaxQueryParams pairs.
//
// Empty pairs ("a=1&&b=2", a trailing "&") are skipped as url.ParseQuery
// skips them; '+' is a space.
func parseQuery(raw string) (url.Values, error) {
	v := url.Values{}
	if raw == "" {
		return v, nil
	}
	if n := strings.Count(raw, "&") + 1; n > MaxQueryParams {
		return v, pursuit.FieldErrorf(pursuit.EINVALID, "query", "has %d parameters, more than the limit of %d", n, MaxQueryParams)
	}
	for pair := range strings.SplitSeq(raw, "&") {
		if pair == "" {
			continue
		}
		rawName, rawValue, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(rawName)
		if err != nil {
			return v, pursuit.FieldErrorf(pursuit.EINVALID, shown(rawName), "is not a valid parameter name: %s", escapeProblem(err))
		}
		switch {
		case name == "":
			return v, pursuit.FieldErrorf(pursuit.EINVALID, "query", "the parameter %q has no name", shown(pair))
		case pursuit.CheckText("", name) != nil:
			return v, pursuit.FieldErrorf(pursuit.EINVALID, "query", "the parameter name %q is not UTF-8 text without control characters", shown(name))
		case strings.Contains(rawName, ";"):
			return v, pursuit.FieldErrorf(pursuit.EINVALID, shown(name), "is not a valid parameter name: it holds a ';' (separate parameters with '&'; write a ';' as %%3B)")
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			return v, pursuit.FieldErrorf(pursuit.EINVALID, name, "is not a valid value: %s", escapeProblem(err))
		}
		if strings.Contains(rawValue, ";") {
			return v, pursuit.FieldErrorf(pursuit.EINVALID, name, "holds a ';': separate parameters with '&', and write a ';' in a value as %%3B")
		}
		if err := pursuit.CheckText(name, value); err != nil {
			return v, err
		}
		v[name] = append(v[name], value)
	}
	return v, nil
}

// checkQuery rejects a request whose URL query cannot be parsed, on every
// route, also those that read no parameter, and a parameter the route does
// not know (a misspelt filter, or one given to a route that takes none), so
// that nothing a client sends is silently ignored. The known parameters of
// a route are those openapi.json documents for it.
func (s *Server) checkQuery(pattern string, h http.HandlerFunc) http.HandlerFunc {
	known := documentedQueryParams()[pattern]
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := parseQuery(r.URL.RawQuery)
		if err == nil {
			err = onlyKnown(v, known)
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		h(w, r)
	}
}

// onlyKnown fails on the first parameter of v, in name order, that is not
// in known.
func onlyKnown(v url.Values, known []string) error {
	var unknown []string
	for name := range v {
		if !slices.Contains(known, name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	if len(known) == 0 {
		return pursuit.FieldErrorf(pursuit.EINVALID, shown(unknown[0]), "is not a parameter of this route, which takes no query parameters")
	}
	return pursuit.FieldErrorf(pursuit.EINVALID, shown(unknown[0]), "is not a known parameter (known: %s)", strings.Join(known, ", "))
}

// documentedQueryParams maps each operation of openapi.json ("GET
// /v1/me") to the names of its query parameters, in the document's order.
// TestOpenAPIMatchesRoutes keeps the operations equal to the routes.
var documentedQueryParams = sync.OnceValue(func() map[string][]string {
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		panic("httpapi: openapi.json: " + err.Error()) // embedded; TestOpenAPIMatchesRoutes parses it
	}
	out := make(map[string][]string)
	for path, ops := range doc.Paths {
		for method, op := range ops {
			key := strings.ToUpper(method) + " " + path
			out[key] = []string{}
			for _, p := range op.Parameters {
				if p.In == "query" {
					out[key] = append(out[key], p.Name)
				}
			}
		}
	}
	return out
})

// escapeProblem describes a url.QueryUnescape error.
func escapeProblem(err error) string {
	var ee url.EscapeError
	if errors.As(err, &ee) {
		return "\"" + string(ee) + "\" is not a percent-escape (write a '%' as %25)"
	}
	return "it cannot be decoded"
}

// shown makes a raw part of a URL fit to name in an error: at most 64
// bytes, valid UTF-8.
func shown(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
