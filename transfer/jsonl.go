package transfer

import (
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// valKind is the JSON type of a value; CSV values are valRaw.
type valKind uint8

const (
	valRaw valKind = iota
	valString
	valNumber
	valNull
	valBool
)

// jsonField is one name/value pair of a JSONL object, as offsets into the
// reader's buf.
type jsonField struct {
	nameStart, nameEnd int
	valStart, valEnd   int
	kind               valKind
}

// jsonlReader reads JSON Lines of flat objects: one object per line whose
// values are strings, numbers, booleans or null. Blank lines are skipped.
type jsonlReader struct {
	lr      *lineReader
	buf     []byte
	fields  []jsonField
	recLine int64
}

func newJSONLReader(r io.Reader) *jsonlReader {
	return &jsonlReader{lr: newLineReader(r)}
}

// read reads the next object. It returns io.EOF at the end, a
// *rowProblem for a line that is not a flat JSON object, or a read error.
func (r *jsonlReader) read() error {
	r.buf = r.buf[:0]
	r.fields = r.fields[:0]
	var line []byte
	for {
		b, err := r.lr.next()
		if err == errTooLong {
			return &rowProblem{line: r.lr.line, reason: "line is longer than the limit of " + strconv.Itoa(MaxRecordBytes) + " bytes"}
		}
		if err != nil {
			return err
		}
		b = trimEOL(b)
		if len(skipWS(b, 0)) > 0 {
			line = b
			break
		}
	}
	r.recLine = r.lr.line
	return r.parse(line)
}

// skipWS returns b[p:] without leading JSON whitespace.
func skipWS(b []byte, p int) []byte {
	for p < len(b) && (b[p] == ' ' || b[p] == '\t' || b[p] == '\r' || b[p] == '\n') {
		p++
	}
	return b[p:]
}

func (r *jsonlReader) errorf(p int, reason string) error {
	return &rowProblem{line: r.recLine, reason: "invalid JSON at byte " + strconv.Itoa(p+1) + ": " + reason}
}

func (r *jsonlReader) parse(b []byte) error {
	p := len(b) - len(skipWS(b, 0))
	if p >= len(b) || b[p] != '{' {
		return r.errorf(p, "expected an object")
	}
	p++
	p = len(b) - len(skipWS(b, p))
	if p < len(b) && b[p] == '}' {
		return r.end(b, p+1)
	}
	for {
		var f jsonField
		if p >= len(b) || b[p] != '"' {
			return r.errorf(p, "expected a field name")
		}
		f.nameStart = len(r.buf)
		var err error
		if p, err = r.str(b, p); err != nil {
			return err
		}
		f.nameEnd = len(r.buf)
		p = len(b) - len(skipWS(b, p))
		if p >= len(b) || b[p] != ':' {
			return r.errorf(p, "expected a colon")
		}
		p = len(b) - len(skipWS(b, p+1))
		f.valStart = len(r.buf)
		if p >= len(b) {
			return r.errorf(p, "expected a value")
		}
		switch c := b[p]; {
		case c == '"':
			f.kind = valString
			if p, err = r.str(b, p); err != nil {
				return err
			}
		case c == '-' || c >= '0' && c <= '9':
			f.kind = valNumber
			q, ok := number(b, p)
			if !ok {
				return r.errorf(q, "malformed number")
			}
			r.buf = append(r.buf, b[p:q]...)
			p = q
		case c == 'n' || c == 't' || c == 'f':
			word := "null"
			f.kind = valNull
			if c == 't' {
				word, f.kind = "true", valBool
			} else if c == 'f' {
				word, f.kind = "false", valBool
			}
			if len(b)-p < len(word) || string(b[p:p+len(word)]) != word {
				return r.errorf(p, "unexpected literal")
			}
			r.buf = append(r.buf, word...)
			p += len(word)
		case c == '{' || c == '[':
			return &rowProblem{line: r.recLine, column: string(r.buf[f.nameStart:f.nameEnd]),
				reason: "must be a string, a number or null, not an object or array"}
		default:
			return r.errorf(p, "unexpected character "+strconv.QuoteRune(rune(c)))
		}
		f.valEnd = len(r.buf)
		r.fields = append(r.fields, f)
		p = len(b) - len(skipWS(b, p))
		if p < len(b) && b[p] == ',' {
			p = len(b) - len(skipWS(b, p+1))
			continue
		}
		if p < len(b) && b[p] == '}' {
			return r.end(b, p+1)
		}
		return r.errorf(p, "expected a comma or a closing brace")
	}
}

func (r *jsonlReader) end(b []byte, p int) error {
	if rest := skipWS(b, p); len(rest) > 0 {
		return r.errorf(len(b)-len(rest), "unexpected data after the object")
	}
	return nil
}

// str unescapes the JSON string starting at b[p] onto buf and returns the
// position after its closing quote.
func (r *jsonlReader) str(b []byte, p int) (int, error) {
	p++
	for {
		start := p
		for p < len(b) && b[p] != '"' && b[p] != '\\' && b[p] >= 0x20 {
			p++
		}
		r.buf = append(r.buf, b[start:p]...)
		if p >= len(b) {
			return p, r.errorf(p, "unterminated string")
		}
		switch c := b[p]; {
		case c == '"':
			return p + 1, nil
		case c < 0x20:
			return p, r.errorf(p, "control character in a string")
		}
		// A backslash escape.
		if p+1 >= len(b) {
			return p, r.errorf(p, "unterminated string")
		}
		switch e := b[p+1]; e {
		case '"', '\\', '/':
			r.buf = append(r.buf, e)
			p += 2
		case 'b':
			r.buf = append(r.buf, '\b')
			p += 2
		case 'f':
			r.buf = append(r.buf, '\f')
			p += 2
		case 'n':
			r.buf = append(r.buf, '\n')
			p += 2
		case 'r':
			r.buf = append(r.buf, '\r')
			p += 2
		case 't':
			r.buf = append(r.buf, '\t')
			p += 2
		case 'u':
			c, ok := hex4(b, p+2)
			if !ok {
				return p, r.errorf(p, `bad \u escape`)
			}
			p += 6
			if utf16.IsSurrogate(rune(c)) {
				if c2, ok := hex4(b, p+2); ok && p+1 < len(b) && b[p] == '\\' && b[p+1] == 'u' {
					if d := utf16.DecodeRune(rune(c), rune(c2)); d != utf8.RuneError {
						r.buf = utf8.AppendRune(r.buf, d)
						p += 6
						continue
					}
				}
				c = utf8.RuneError
			}
			r.buf = utf8.AppendRune(r.buf, rune(c))
		default:
			return p, r.errorf(p, "bad escape")
		}
	}
}

// number returns the end of the JSON number starting at b[p]:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. ok is false, with the
// position of the fault, when it is malformed ("01", "-", "1.", "1e").
func number(b []byte, p int) (end int, ok bool) {
	digits := func(p int) int {
		for p < len(b) && b[p] >= '0' && b[p] <= '9' {
			p++
		}
		return p
	}
	if p < len(b) && b[p] == '-' {
		p++
	}
	switch {
	case p < len(b) && b[p] == '0':
		p++
	case p < len(b) && b[p] >= '1' && b[p] <= '9':
		p = digits(p)
	default:
		return p, false
	}
	if p < len(b) && b[p] == '.' {
		q := digits(p + 1)
		if q == p+1 {
			return q, false
		}
		p = q
	}
	if p < len(b) && (b[p] == 'e' || b[p] == 'E') {
		p++
		if p < len(b) && (b[p] == '+' || b[p] == '-') {
			p++
		}
		q := digits(p)
		if q == p {
			return q, false
		}
		p = q
	}
	return p, true
}

func hex4(b []byte, p int) (int, bool) {
	if p+4 > len(b) {
		return 0, false
	}
	v := 0
	for _, c := range b[p : p+4] {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | int(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | int(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | int(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}
