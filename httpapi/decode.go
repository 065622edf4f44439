package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pursuit-gov/pursuit"
)

// decodeJSON reads the request body into v strictly: one JSON value, no
// unknown fields, every field of the right type, valid UTF-8, at most
// limit bytes. Errors are EINVALID (or ETOOLARGE) naming the field at
// fault ("mappings[2].last_synced_time"), or "body" with a byte offset
// when no field can be named; they never show Go type names.
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return pursuit.FieldErrorf(pursuit.EINVALID, "Content-Type", "must be application/json, not %q", ct)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return pursuit.FieldErrorf(pursuit.ETOOLARGE, "body", "request body is larger than the limit of %d bytes", limit)
		}
		return &pursuit.Error{Code: pursuit.EINVALID, Field: "body", Message: "the request body could not be read", Err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, body, reflect.TypeOf(v))
	}
	if _, err := dec.Token(); err != io.EOF {
		return pursuit.FieldErrorf(pursuit.EINVALID, "body", "must hold exactly one JSON value; found more after it")
	}
	if !utf8.Valid(body) {
		// encoding/json has replaced the bad bytes with U+FFFD; the
		// import refuses them, and so does the API.
		if p := bodyProblem(body, reflect.TypeOf(v)); p != nil {
			return problemError(p)
		}
		return pursuit.FieldErrorf(pursuit.EINVALID, "body", "is not valid UTF-8 at byte %d", invalidAt(body))
	}
	return nil
}

// problemError turns a problem bodyProblem found into an EINVALID error on
// its field, or on "body" with the byte offset.
func problemError(p *problem) error {
	if p.path == "" {
		return pursuit.FieldErrorf(pursuit.EINVALID, "body", "%s (at byte %d)", p.what, p.offset)
	}
	return pursuit.FieldErrorf(pursuit.EINVALID, p.path, "%s", p.what)
}

// invalidAt returns the offset of the first byte of invalid UTF-8 in b.
func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// jsonError turns an encoding/json error into a *pursuit.Error naming the
// field. body and t are the request body and the type it decodes into,
// walked to name the field when encoding/json does not.
func jsonError(err error, body []byte, t reflect.Type) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
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
		return pursuit.FieldErrorf(pursuit.EINVALID, field, "must be %s, not a JSON %s", jsonKind(typ.Type), typ.Value)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		if name == "" {
			return pursuit.FieldErrorf(pursuit.EINVALID, "body", "holds a field with an empty name, which is not a known field")
		}
		return pursuit.FieldErrorf(pursuit.EINVALID, name, "is not a known field")
	}
	// A type that decodes itself (time.Time) refused its value:
	// encoding/json does not say which field it was.
	if p := bodyProblem(body, t); p != nil {
		return problemError(p)
	}
	return &pursuit.Error{Code: pursuit.EINVALID, Field: "body", Message: "a value of the body has the wrong type or format", Err: err}
}

// jsonKind names a Go type the way a JSON client thinks of it.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return "an RFC 3339 time string"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

// params reads URL query parameters, remembering the first error so that
// a handler can read them all and check once.
type params struct {
	v   url.Values
	err error
}

// newParams parses the request's URL query strictly (see parseQuery): a
// query that cannot be parsed is the params' error.
func newParams(r *http.Request) *params {
	v, err := parseQuery(r.URL.RawQuery)
	return &params{v: v, err: err}
}

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
