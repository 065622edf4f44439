package transfer

import (
	"strconv"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/jsonstr"
)

// timeLayout is how times are written: RFC 3339, UTC, always six
// fractional digits, so every written time has the same width and the
// bytes of an export are deterministic.
const timeLayout = "2006-01-02T15:04:05.000000Z07:00"

// appendTime appends t in timeLayout, or nothing for the zero time.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	return t.UTC().AppendFormat(b, timeLayout)
}

// appendCSVField appends s, quoted as RFC 4180 requires when it holds a
// comma, a quote or a line break.
func appendCSVField(b []byte, s string) []byte {
	need := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\n', '\r':
			need = true
		}
		if need {
			break
		}
	}
	if !need {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"', '"')
		} else {
			b = append(b, s[i])
		}
	}
	return append(b, '"')
}

// appendCSVHeader appends the header row of a table.
func (s *spec[T]) appendCSVHeader(b []byte) []byte {
	for i := range s.columns {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, s.columns[i].Name...)
	}
	return append(b, '\n')
}

// appendCSV appends r as one CSV record ending in "\n".
func (s *spec[T]) appendCSV(b []byte, r *T) []byte {
	for i := range s.columns {
		c := &s.columns[i]
		if i > 0 {
			b = append(b, ',')
		}
		switch c.Kind {
		case pursuit.KindInt:
			v := *c.Int(r)
			if v != 0 || !c.Is(pursuit.Nullable) {
				b = strconv.AppendInt(b, v, 10)
			}
		case pursuit.KindText:
			b = appendCSVField(b, *c.Text(r))
		case pursuit.KindTime:
			b = appendTime(b, *c.Time(r))
		}
	}
	return append(b, '\n')
}

// appendJSON appends r as one JSON object on a line of its own. Fields come
// in column order; zero times are written as "" and zero omitZero ints are
// left out.
func (s *spec[T]) appendJSON(b []byte, r *T) []byte {
	b = append(b, '{')
	first := true
	for i := range s.columns {
		c := &s.columns[i]
		if c.Kind == pursuit.KindInt && c.Is(pursuit.Nullable) && *c.Int(r) == 0 {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, c.Name...)
		b = append(b, '"', ':')
		switch c.Kind {
		case pursuit.KindInt:
			b = strconv.AppendInt(b, *c.Int(r), 10)
		case pursuit.KindText:
			b = jsonstr.Append(b, *c.Text(r))
		case pursuit.KindTime:
			b = append(b, '"')
			b = appendTime(b, *c.Time(r))
			b = append(b, '"')
		}
	}
	return append(b, '}', '\n')
}
