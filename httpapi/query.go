package httpapi

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

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
// route, also those that read no parameter.
func (s *Server) checkQuery(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, err := parseQuery(r.URL.RawQuery); err != nil {
			s.writeError(w, r, err)
			return
		}
		h(w, r)
	}
}

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
