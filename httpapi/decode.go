package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// decodeJSON reads the request body into v strictly: one JSON value, no
// unknown fields, every field of the right type, at most limit bytes.
// Errors are EINVALID (or ETOOLARGE) naming the field at fault, or "body".
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return pursuit.FieldErrorf(pursuit.EINVALID, "Content-Type", "must be application/json, not %q", ct)
	}
	body := http.MaxBytesReader(w, r.Body, limit)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, limit)
	}
	if _, err := dec.Token(); err != io.EOF {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return jsonError(err, limit)
		}
		return pursuit.FieldErrorf(pursuit.EINVALID, "body", "must hold exactly one JSON value; found more after it")
	}
	return nil
}

// jsonError turns an encoding/json error into a *pursuit.Error naming the
// field.
func jsonError(err error, limit int64) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
		mbe *http.MaxBytesError
	)
	switch {
	case errors.As(err, &mbe):
		return pursuit.FieldErrorf(pursuit.ETOOLARGE, "body", "request body is larger than the limit of %d bytes", limit)
	case errors.Is(err, io.EOF):
		return pursuit.FieldErrorf(pursuit.EINVALID, "body", "request body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return pursuit.FieldErrorf(pursuit.EINVALID, "body", "malformed JSON: the body ends in the middle of a value")
	case errors.As(err, &syn):
		return pursuit.FieldErrorf(pursuit.EINVALID, "body", "malformed JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return pursuit.FieldErrorf(pursuit.EINVALID, field, "must be %s, not a JSON %s", jsonKind(typ.Type.String()), typ.Value)
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return pursuit.FieldErrorf(pursuit.EINVALID, name, "is not a known field")
	}
	var te *time.ParseError
	if errors.As(err, &te) {
		return pursuit.FieldErrorf(pursuit.EINVALID, "body", "a time is not RFC 3339 (2006-01-02T15:04:05Z): %q", te.Value)
	}
	return pursuit.FieldErrorf(pursuit.EINVALID, "body", "malformed JSON: %s", strings.TrimPrefix(msg, "json: "))
}

// jsonKind names a Go type the way a JSON client thinks of it.
func jsonKind(goType string) string {
	switch {
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"), strings.HasPrefix(goType, "*int"):
		return "an integer"
	case strings.HasPrefix(goType, "float"):
		return "a number"
	case goType == "string", goType == "*string":
		return "a string"
	case goType == "bool", goType == "*bool":
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case goType == "time.Time":
		return "an RFC 3339 time string"
	}
	return "an object"
}

// params reads URL query parameters, remembering the first error so that
// a handler can read them all and check once.
type params struct {
	v   url.Values
	err error
}

func newParams(r *http.Request) *params { return &params{v: r.URL.Query()} }

func (p *params) fail(name, format string, args ...any) {
	if p.err == nil {
		p.err = pursuit.FieldErrorf(pursuit.EINVALID, name, format, args...)
	}
}

// str returns a single-valued parameter.
func (p *params) str(name string) string {
	vs := p.v[name]
	if len(vs) > 1 {
		p.fail(name, "must be given once, not %d times", len(vs))
	}
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// list returns a parameter given several times or comma-separated.
func (p *params) list(name string) []string {
	var out []string
	for _, v := range p.v[name] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

func (p *params) int64(name string, def int64) int64 {
	s := p.str(name)
	if s == "" {
		return def
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		p.fail(name, "must be an integer, not %q", s)
	}
	return n
}

func (p *params) intp(name string) *int64 {
	if p.str(name) == "" {
		return nil
	}
	n := p.int64(name, 0)
	return &n
}

func (p *params) ids(name string) []int64 {
	var out []int64
	for _, s := range p.list(name) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			p.fail(name, "must be positive integers, not %q", s)
			return nil
		}
		out = append(out, n)
	}
	return out
}

func (p *params) boolp(name string) *bool {
	s := p.str(name)
	if s == "" {
		return nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		p.fail(name, "must be true or false, not %q", s)
		return nil
	}
	return &b
}

func (p *params) time(name string) time.Time {
	s := p.str(name)
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t
	}
	p.fail(name, "must be a date (2006-01-02) or an RFC 3339 time, not %q", s)
	return time.Time{}
}

// only fails on any parameter not in names, so that a misspelt filter is
// an error rather than silently ignored.
func (p *params) only(names ...string) {
	for k := range p.v {
		found := false
		for _, n := range names {
			if k == n {
				found = true
				break
			}
		}
		if !found {
			p.fail(k, "is not a known parameter (known: %s)", strings.Join(names, ", "))
			return
		}
	}
}

// listOptions reads the after and limit parameters of admin list routes.
func (p *params) listOptions() pursuit.ListOptions {
	opt := pursuit.ListOptions{After: p.int64("after", 0), Limit: int(p.int64("limit", pursuit.DefaultListLimit))}
	if opt.After < 0 {
		p.fail("after", "must not be negative")
	}
	if opt.Limit < 1 || opt.Limit > pursuit.MaxListLimit {
		p.fail("limit", "must be between 1 and %d", pursuit.MaxListLimit)
	}
	return opt
}

// pathID reads a positive integer path parameter.
func pathID(r *http.Request, name string) (int64, error) {
	s := r.PathValue(name)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, pursuit.FieldErrorf(pursuit.EINVALID, name, "must be a positive integer, not %q", s)
	}
	return n, nil
}

// parseTime parses an RFC 3339 time (fractions allowed) into UTC with
// microsecond precision, the precision the stores keep.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse time %q: %w", s, err)
	}
	return t.UTC().Truncate(time.Microsecond), nil
}
