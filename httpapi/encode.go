package httpapi

import (
	"math"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/jsonstr"
	"github.com/pursuit-gov/pursuit/search"
)

// Contact search results are the hottest response: encoding/json spends
// as long on a page of 20 hits (reflection, time.Time's MarshalJSON and
// its re-compaction) as the index spends finding them. appendContactResult
// writes the same bytes by hand; TestAppendContactResult checks them
// against encoding/json on random results.

// bytePool recycles the fast path's buffers.
var bytePool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// writeContactResult writes a contact search result, falling back to
// encoding/json for values the fast path does not handle (times outside
// years 0–9999 or with sub-minute zone offsets, NaN or infinite scores).
func writeContactResult(w http.ResponseWriter, res *search.ContactResult) {
	buf := bytePool.Get().(*[]byte)
	b, ok := appendContactResult((*buf)[:0], res)
	if !ok {
		bytePool.Put(buf)
		writeJSON(w, http.StatusOK, res)
		return
	}
	writeBody(w, b)
	if cap(b) <= 1<<20 {
		*buf = b
		bytePool.Put(buf)
	}
}

// writeBody answers 200 with b, a JSON body the fast path wrote, and the
// headers writeJSON sets.
func writeBody(w http.ResponseWriter, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// appendContactResult appends res as encoding/json (with HTML escaping
// off, as writeJSON does) would encode it, newline included. It reports
// false when a value needs encoding/json's own handling.
func appendContactResult(b []byte, res *search.ContactResult) ([]byte, bool) {
	ok := true
	b = append(b, `{"total":`...)
	b = strconv.AppendInt(b, int64(res.Total), 10)
	b = append(b, `,"hits":`...)
	if res.Hits == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range res.Hits {
			if i > 0 {
				b = append(b, ',')
			}
			b, ok = appendContactHit(b, &res.Hits[i], ok)
		}
		b = append(b, ']')
	}
	if len(res.Facets) > 0 {
		b = append(b, `,"facets":{`...)
		keys := make([]string, 0, len(res.Facets))
		for k := range res.Facets {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonstr.Append(b, k)
			b = append(b, ':')
			bs := res.Facets[k]
			if bs == nil {
				b = append(b, "null"...)
				continue
			}
			b = append(b, '[')
			for j, bk := range bs {
				if j > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"value":`...)
				b = jsonstr.Append(b, bk.Value)
				b = append(b, `,"count":`...)
				b = strconv.AppendInt(b, int64(bk.Count), 10)
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	if res.NextCursor != "" {
		b = append(b, `,"next_cursor":`...)
		b = jsonstr.Append(b, res.NextCursor)
	}
	b = append(b, "}\n"...)
	return b, ok
}

func appendContactHit(b []byte, h *search.ContactHit, ok bool) ([]byte, bool) {
	b = append(b, `{"contact":`...)
	b, ok = contactEncoder.append(b, &h.Contact, ok)
	b = append(b, `,"place_name":`...)
	b = jsonstr.Append(b, h.PlaceName)
	b = append(b, `,"place_type":`...)
	b = jsonstr.Append(b, h.PlaceType)
	b = append(b, `,"state_abbr":`...)
	b = jsonstr.Append(b, h.StateAbbr)
	b = append(b, `,"function":`...)
	b = jsonstr.Append(b, h.Function)
	b = append(b, `,"seniority":`...)
	b = jsonstr.Append(b, h.Seniority)
	b = append(b, `,"access_type":`...)
	b = jsonstr.Append(b, h.AccessType)
	b = append(b, `,"score":`...)
	b, ok = appendFloat(b, h.Score, ok)
	b = append(b, '}')
	return b, ok
}

// rowEncoder writes rows of one table as encoding/json writes the domain
// type, derived from pursuit's description of the table: the fields in
// column order, each column's zero value left out where its JSON tag says
// omitzero or omitempty.
type rowEncoder[T any] struct {
	desc *pursuit.Table[T]
	keys [][]byte // `"name":`, with the separating comma after the first
	omit []bool
}

func newRowEncoder[T any](desc *pursuit.Table[T]) *rowEncoder[T] {
	e := &rowEncoder[T]{desc: desc}
	typ := reflect.TypeFor[T]()
	for i := range desc.Columns {
		c := &desc.Columns[i]
		f, _ := typ.FieldByName(c.Field)
		_, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		e.omit = append(e.omit, strings.Contains(opts, "omitzero") || strings.Contains(opts, "omitempty"))
		e.keys = append(e.keys, []byte(`"`+c.Name+`":`))
	}
	return e
}

// contactEncoder writes the contact of a search hit.
var contactEncoder = newRowEncoder(pursuit.Contacts)

// append appends r as a JSON object. It reports false when a value needs
// encoding/json's own handling.
func (e *rowEncoder[T]) append(b []byte, r *T, ok bool) ([]byte, bool) {
	b = append(b, '{')
	first := true
	for i := range e.desc.Columns {
		c := &e.desc.Columns[i]
		if e.omit[i] && c.IsZero(r) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, e.keys[i]...)
		switch c.Kind {
		case pursuit.KindInt:
			b = strconv.AppendInt(b, *c.Int(r), 10)
		case pursuit.KindText:
			b = jsonstr.Append(b, *c.Text(r))
		default:
			b, ok = appendTime(b, *c.Time(r), ok)
		}
	}
	return append(b, '}'), ok
}

// appendTime appends t as time.Time's MarshalJSON does.
func appendTime(b []byte, t time.Time, ok bool) ([]byte, bool) {
	if y := t.Year(); y < 0 || y > 9999 {
		return b, false
	}
	if _, off := t.Zone(); off%60 != 0 {
		return b, false
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	return b, ok
}

// appendFloat appends f as encoding/json encodes a float64.
func appendFloat(b []byte, f float64, ok bool) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, false
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// Clean up e-09 to e-9, as encoding/json does.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, ok
}
