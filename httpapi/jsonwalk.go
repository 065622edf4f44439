package httpapi

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// encoding/json reports where a body is wrong only for some errors: it
// replaces invalid UTF-8 with U+FFFD without a word, and an error of a
// type that decodes itself (time.Time) comes without the field it was in.
// bodyProblem walks the body alongside the Go type it decodes into to name
// the field, so that a client reads "verified_at: must be an RFC 3339
// time" rather than a Go type name.

var (
	timeType        = reflect.TypeFor[time.Time]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

// problem is the first fault bodyProblem finds: the path of the value
// ("mappings[2].external_crm_id", "" for the whole body), the byte offset
// and what is wrong.
type problem struct {
	path   string
	offset int
	what   string
}

// bodyProblem returns the first value of data, a body holding one JSON
// value, that is a string with invalid UTF-8 or that a self-decoding type
// (time.Time) of t refuses; nil when there is none. A body that is not
// valid JSON gives nil: encoding/json reports that itself.
func bodyProblem(data []byte, t reflect.Type) *problem {
	w := walker{data: data}
	_, p := w.value(w.ws(0), t, "")
	return p
}

type walker struct {
	data []byte
}

// ws returns the position of the first non-white-space byte from p.
func (w *walker) ws(p int) int {
	for p < len(w.data) && (w.data[p] == ' ' || w.data[p] == '\t' || w.data[p] == '\n' || w.data[p] == '\r') {
		p++
	}
	return p
}

// value walks the value at p, which decodes into t (nil when unknown), and
// returns the position after it, or a problem.
func (w *walker) value(p int, t reflect.Type, path string) (int, *problem) {
	if p >= len(w.data) {
		return p, nil
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	start := p
	var end int
	var prob *problem
	switch c := w.data[p]; {
	case c == '{':
		end, prob = w.object(p, t, path)
	case c == '[':
		end, prob = w.array(p, t, path)
	case c == '"':
		var bad int
		end, bad = w.str(p)
		if bad >= 0 {
			prob = &problem{path: path, offset: bad, what: "is not valid UTF-8"}
		}
	default:
		end = p
		for end < len(w.data) && !strings.ContainsRune(",]} \t\r\n", rune(w.data[end])) {
			end++
		}
	}
	if prob != nil || end <= start {
		return end, prob
	}
	if t != nil && reflect.PointerTo(t).Implements(unmarshalerType) {
		if err := json.Unmarshal(w.data[start:end], reflect.New(t).Interface()); err != nil {
			return end, &problem{path: path, offset: start, what: unmarshalProblem(t, w.data[start:end])}
		}
	}
	return end, nil
}

// unmarshalProblem describes a value a self-decoding type refused.
func unmarshalProblem(t reflect.Type, raw []byte) string {
	shown := string(raw)
	if len(shown) > 40 {
		shown = shown[:40] + "…"
	}
	if t == timeType {
		return "must be an RFC 3339 time string such as \"2024-03-01T12:34:56Z\", not " + strings.ToValidUTF8(shown, "\uFFFD")
	}
	return "is not a valid value: " + strings.ToValidUTF8(shown, "\uFFFD")
}

func (w *walker) object(p int, t reflect.Type, path string) (int, *problem) {
	p = w.ws(p + 1)
	if p < len(w.data) && w.data[p] == '}' {
		return p + 1, nil
	}
	for p < len(w.data) {
		if w.data[p] != '"' {
			return p, nil // not JSON: encoding/json reports it
		}
		end, bad := w.str(p)
		if bad >= 0 {
			return end, &problem{path: path, offset: bad, what: "holds a field name that is not valid UTF-8"}
		}
		name, err := strconv.Unquote(string(w.data[p:end]))
		if err != nil {
			name = string(w.data[p+1 : end-1])
		}
		p = w.ws(end)
		if p >= len(w.data) || w.data[p] != ':' {
			return p, nil
		}
		var prob *problem
		p, prob = w.value(w.ws(p+1), memberType(t, name), join(path, name))
		if prob != nil {
			return p, prob
		}
		p = w.ws(p)
		if p < len(w.data) && w.data[p] == ',' {
			p = w.ws(p + 1)
			continue
		}
		if p < len(w.data) && w.data[p] == '}' {
			return p + 1, nil
		}
		return p, nil
	}
	return p, nil
}

func (w *walker) array(p int, t reflect.Type, path string) (int, *problem) {
	var elem reflect.Type
	if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		elem = t.Elem()
	}
	p = w.ws(p + 1)
	if p < len(w.data) && w.data[p] == ']' {
		return p + 1, nil
	}
	for i := 0; p < len(w.data); i++ {
		var prob *problem
		p, prob = w.value(p, elem, path+"["+strconv.Itoa(i)+"]")
		if prob != nil {
			return p, prob
		}
		p = w.ws(p)
		if p < len(w.data) && w.data[p] == ',' {
			p = w.ws(p + 1)
			continue
		}
		if p < len(w.data) && w.data[p] == ']' {
			return p + 1, nil
		}
		return p, nil
	}
	return p, nil
}

// str returns the position after the JSON string at p and the offset of
// its first byte of invalid UTF-8, or -1.
func (w *walker) str(p int) (end, bad int) {
	bad = -1
	q := p + 1
	for q < len(w.data) && w.data[q] != '"' {
		if w.data[q] == '\\' {
			q += 2
			continue
		}
		if w.data[q] < utf8.RuneSelf {
			q++
			continue
		}
		r, size := utf8.DecodeRune(w.data[q:])
		if r == utf8.RuneError && size == 1 && bad < 0 {
			bad = q
		}
		q += size
	}
	return min(q+1, len(w.data)), bad
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// memberType returns the type a member of an object decodes into: a
// struct's field by its JSON name (an exact match first, then one
// ignoring case, as encoding/json does) or a map's element; nil when
// unknown.
func memberType(t reflect.Type, name string) reflect.Type {
	if t == nil {
		return nil
	}
	switch t.Kind() {
	case reflect.Map:
		return t.Elem()
	case reflect.Struct:
		var fold reflect.Type
		for _, f := range reflect.VisibleFields(t) {
			if !f.IsExported() || f.Anonymous && f.Tag.Get("json") == "" {
				continue
			}
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if tag == "-" {
				continue
			}
			if tag == "" {
				tag = f.Name
			}
			if tag == name {
				return f.Type
			}
			if fold == nil && strings.EqualFold(tag, name) {
				fold = f.Type
			}
		}
		return fold
	}
	return nil
}
