// Package query parses the search syntax of the q parameter:
//
//	director "public works" -intern -"school district" title:cio dept:"information technology"
//
// A query is a list of clauses separated by white space:
//
//   - a word: director
//   - a "quoted phrase": the words must occur next to each other, in order
//   - an exclusion: -intern or -"school district" removes what matches
//   - a field clause: title:cio, dept:"public works", email:gmail.com, name:smith;
//     department: is an alias of dept:. A field clause may be negated
//     (-title:intern).
//
// Words are kept raw (not lower-cased, stemmed or split further): the
// search index analyses them the same way it analyses the documents. A
// word ends at white space or at a double quote; there are no escapes, so a
// phrase cannot contain a double quote.
//
// A word that starts with letters followed by a colon is a field clause,
// and an unknown field is an error rather than a plain word, so that a typo
// such as titel:cio is reported instead of silently matching nothing.
// "10:30" (digits before the colon) is a plain word.
//
// Parse never panics; every error is a *pursuit.Error with code EINVALID,
// field "q", and a message naming the problem and its 1-based character
// position.
package query

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pursuit-gov/pursuit"
)

// Limits of a query.
const (
	// MaxLength is the longest query accepted, in characters.
	MaxLength = 500
	// MaxClauses is the most clauses a query may have.
	MaxClauses = 32
)

// Fields lists the field names a clause may name, as they appear in a
// parsed Clause. The alias "department" is parsed as "dept".
var Fields = []string{"title", "dept", "email", "name"}

// fieldAliases maps every accepted field spelling to its canonical name.
var fieldAliases = map[string]string{
	"title": "title", "dept": "dept", "department": "dept", "email": "email", "name": "name",
}

// Query is a parsed search query: the conjunction of its clauses. The
// empty Query matches everything (filters alone then decide).
type Query struct {
	Clauses []Clause
}

// Clause is one word, phrase or exclusion of a query.
type Clause struct {
	// Field is "title", "dept", "email" or "name", or "" for any field.
	Field string
	// Terms are the clause's raw words: one for a word, one or more for a
	// phrase.
	Terms []string
	// Phrase is set for a quoted phrase: the terms must occur in order,
	// next to each other.
	Phrase bool
	// Negated is set for an exclusion (a leading -).
	Negated bool
}

// String renders the clause in the query syntax, so that Parse of the
// result gives the clause back.
func (c Clause) String() string {
	var b strings.Builder
	c.write(&b)
	return b.String()
}

func (c Clause) write(b *strings.Builder) {
	if c.Negated {
		b.WriteByte('-')
	}
	if c.Field != "" {
		b.WriteString(c.Field)
		b.WriteByte(':')
	}
	if c.Phrase {
		b.WriteByte('"')
	}
	for i, t := range c.Terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t)
	}
	if c.Phrase {
		b.WriteByte('"')
	}
}

// String renders the query in the query syntax: Parse(q.String()) returns
// a Query equal to q for every q that Parse returned. Clauses are separated
// by one space, except next to a phrase's quotes where none is needed
// (director"public works"), so that the rendering is never longer than the
// query it came from and always stays within MaxLength.
func (q Query) String() string {
	var b strings.Builder
	for i, c := range q.Clauses {
		if i > 0 && !q.Clauses[i-1].Phrase && !(c.Phrase && !c.Negated && c.Field == "") {
			b.WriteByte(' ')
		}
		c.write(&b)
	}
	return b.String()
}

// Positive returns the clauses that are not negated.
func (q Query) Positive() []Clause {
	var out []Clause
	for _, c := range q.Clauses {
		if !c.Negated {
			out = append(out, c)
		}
	}
	return out
}

// Negative returns the negated clauses.
func (q Query) Negative() []Clause {
	var out []Clause
	for _, c := range q.Clauses {
		if c.Negated {
			out = append(out, c)
		}
	}
	return out
}

// IsZero reports whether the query has no clauses.
func (q Query) IsZero() bool { return len(q.Clauses) == 0 }

// parser walks the query one rune at a time, counting characters so that
// errors can name a 1-based position.
type parser struct {
	s   string
	i   int // byte offset
	pos int // 1-based character position of s[i]
}

func errAt(pos int, format string, args ...any) error {
	e := pursuit.FieldErrorf(pursuit.EINVALID, "q", format, args...)
	e.Message += " at character " + itoa(pos)
	return e
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

func (p *parser) peek() (rune, int) {
	if p.i >= len(p.s) {
		return -1, 0
	}
	return utf8.DecodeRuneInString(p.s[p.i:])
}

func (p *parser) next() rune {
	r, n := p.peek()
	p.i += n
	p.pos++
	return r
}

func (p *parser) skipSpace() {
	for {
		r, _ := p.peek()
		if r < 0 || !unicode.IsSpace(r) {
			return
		}
		p.next()
	}
}

// Parse parses a query. The empty string (or only white space) parses to
// the empty Query.
func Parse(q string) (Query, error) {
	if n := utf8.RuneCountInString(q); n > MaxLength {
		return Query{}, pursuit.FieldErrorf(pursuit.EINVALID, "q",
			"is %d characters long, more than the limit of %d", n, MaxLength)
	}
	p := &parser{s: q, pos: 1}
	var out Query
	firstNeg := 0
	for {
		p.skipSpace()
		if p.i >= len(p.s) {
			break
		}
		start := p.pos
		if len(out.Clauses) == MaxClauses {
			return Query{}, errAt(start, "too many clauses (more than %d)", MaxClauses)
		}
		c, err := p.clause()
		if err != nil {
			return Query{}, err
		}
		if c.Negated && firstNeg == 0 {
			firstNeg = start
		}
		out.Clauses = append(out.Clauses, c)
	}
	if len(out.Clauses) > 0 && len(out.Positive()) == 0 {
		return Query{}, errAt(firstNeg,
			"the query has only exclusions, which match nothing to rank; add a word or a phrase")
	}
	return out, nil
}

// clause parses one clause starting at a non-space character.
func (p *parser) clause() (Clause, error) {
	var c Clause
	start := p.pos
	if r, _ := p.peek(); r == '-' {
		p.next()
		c.Negated = true
		if r, _ := p.peek(); r < 0 || unicode.IsSpace(r) {
			return c, errAt(start, "'-' must be followed by a word or a phrase")
		}
	}
	// A field prefix: letters then a colon.
	fieldStart := p.pos
	if name, ok := p.fieldPrefix(); ok {
		field, known := fieldAliases[strings.ToLower(name)]
		if !known {
			return c, errAt(fieldStart, "unknown field %q (fields are title, dept, department, email, name)", name)
		}
		c.Field = field
		if r, _ := p.peek(); r < 0 || unicode.IsSpace(r) {
			return c, errAt(fieldStart, "empty value for field %s:", name)
		}
	}
	if r, _ := p.peek(); r == '"' {
		terms, err := p.phrase()
		if err != nil {
			return c, err
		}
		c.Terms, c.Phrase = terms, true
		return c, nil
	}
	c.Terms = []string{p.word()}
	return c, nil
}

// fieldPrefix consumes "name:" when the input continues with one or more
// ASCII letters followed by a colon.
func (p *parser) fieldPrefix() (string, bool) {
	j := p.i
	for j < len(p.s) && (p.s[j] >= 'a' && p.s[j] <= 'z' || p.s[j] >= 'A' && p.s[j] <= 'Z') {
		j++
	}
	if j == p.i || j >= len(p.s) || p.s[j] != ':' {
		return "", false
	}
	name := p.s[p.i:j]
	p.pos += j + 1 - p.i // ASCII: one character per byte
	p.i = j + 1
	return name, true
}

// phrase consumes a quoted phrase and returns its words.
func (p *parser) phrase() ([]string, error) {
	open := p.pos
	p.next() // the opening quote
	begin := p.i
	for {
		r, _ := p.peek()
		if r < 0 {
			return nil, errAt(open, "unterminated quote")
		}
		if r == '"' {
			break
		}
		p.next()
	}
	body := p.s[begin:p.i]
	p.next() // the closing quote
	terms := strings.FieldsFunc(body, unicode.IsSpace)
	if len(terms) == 0 {
		return nil, errAt(open, "empty phrase")
	}
	return terms, nil
}

// word consumes a word: everything up to white space or a double quote.
func (p *parser) word() string {
	begin := p.i
	for {
		r, _ := p.peek()
		if r < 0 || r == '"' || unicode.IsSpace(r) {
			break
		}
		p.next()
	}
	return p.s[begin:p.i]
}
