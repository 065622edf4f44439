package transfer

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pursuit-gov/pursuit"
)

// parseInt parses a strict decimal integer: an optional minus sign and
// digits, nothing else.
func parseInt(s string) (int64, string) {
	i := 0
	if len(s) > 0 && s[0] == '-' {
		i = 1
	}
	if i == len(s) {
		return 0, fmt.Sprintf("%q is not an integer", s)
	}
	for ; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Sprintf("%q is not an integer", s)
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Sprintf("%s is out of the 64-bit integer range", s)
	}
	return n, ""
}

// parseTime parses an RFC 3339 time, converts it to UTC and truncates it
// to microseconds, the precision the stores keep. The layout the export
// writes is parsed without time.Parse.
func parseTime(s string) (time.Time, bool) {
	if t, ok := parseFixedTime(s); ok {
		return t, true
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Truncate(time.Microsecond), true
		}
	}
	return time.Time{}, false
}

// timeLayouts are the forms of a time a file may hold: RFC 3339, and what
// spreadsheets and SQL tools write, a space for the T and a date alone.
// Without an offset a time is UTC. Month/day orders ("12/31/2024") are
// refused: 01/02 is January 2 in one country and February 1 in another.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02",
}

// timeProblem is the reason of a time no layout reads.
func timeProblem(v string) string {
	return fmt.Sprintf("%q is not a time: write RFC 3339 (2024-12-31T17:30:00Z), a UTC date and time (2024-12-31 17:30:00) or a date (2024-12-31)", v)
}

// parseFixedTime parses "2006-01-02T15:04:05Z" with zero or six
// fractional digits.
func parseFixedTime(s string) (time.Time, bool) {
	if len(s) != 20 && len(s) != 27 {
		return time.Time{}, false
	}
	if s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[len(s)-1] != 'Z' {
		return time.Time{}, false
	}
	num := func(a, b int) int {
		v := 0
		for i := a; i < b; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, min, sec := num(11, 13), num(14, 16), num(17, 19)
	usec := 0
	if len(s) == 27 {
		if s[19] != '.' {
			return time.Time{}, false
		}
		usec = num(20, 26)
	}
	if year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 ||
		min < 0 || min > 59 || sec < 0 || sec > 59 || usec < 0 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, min, sec, usec*1000, time.UTC)
	if t.Day() != day {
		return time.Time{}, false // e.g. February 30
	}
	return t, true
}

// setField parses v, of JSON type vk (valRaw for CSV), into row's field of
// column c, which holds its zero value. It returns why the value is
// rejected, or "". A JSON null leaves every kind of field at its zero
// value, as an absent field does (and as an empty CSV field does).
func setField[T any](c *column[T], row *T, v string, vk valKind) string {
	if vk == valNull {
		return ""
	}
	if !utf8.ValidString(v) {
		return "is not valid UTF-8"
	}
	switch c.Kind {
	case pursuit.KindInt:
		switch vk {
		case valString:
			return "must be a JSON number, not a string"
		case valBool:
			return "must be a JSON number, not a boolean"
		}
		if v == "" {
			return ""
		}
		n, reason := parseInt(v)
		*c.Int(row) = n
		return reason
	case pursuit.KindText:
		switch vk {
		case valNumber:
			return "must be a JSON string, not a number"
		case valBool:
			return "must be a JSON string, not a boolean"
		}
		*c.Text(row) = v
	case pursuit.KindTime:
		switch vk {
		case valNumber, valBool:
			return "must be a JSON string holding an RFC 3339 time"
		}
		if v == "" {
			return ""
		}
		t, ok := parseTime(v)
		if !ok {
			return timeProblem(v)
		}
		*c.Time(row) = t
	}
	return ""
}

// rowReader decodes the rows of one table file.
type rowReader[T any] struct {
	sp    *spec[T]
	csv   *csvReader
	jsonl *jsonlReader
	// cols maps a CSV file's columns to the spec's.
	cols []int
}

// newRowReader returns a reader of r in format ("csv" or "jsonl"). For CSV
// it reads the header and returns its problems: an empty file, unknown,
// duplicate or missing required columns.
func newRowReader[T any](sp *spec[T], format string, r io.Reader) (*rowReader[T], []*rowProblem, error) {
	rr := &rowReader[T]{sp: sp}
	if format == FormatJSONL {
		rr.jsonl = newJSONLReader(r)
		return rr, nil, nil
	}
	rr.csv = newCSVReader(r)
	err := rr.csv.read()
	if err == io.EOF {
		return rr, []*rowProblem{{line: 1, reason: "the file is empty: a CSV table file starts with a header row"}}, nil
	}
	if p, ok := err.(*rowProblem); ok {
		return rr, []*rowProblem{p}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var problems []*rowProblem
	line := rr.csv.recLine
	text := string(rr.csv.buf)
	seen := make([]bool, len(sp.columns))
	for i := range rr.csv.ends {
		name := rr.csv.field(text, i)
		// Spreadsheets write headers as typed: " Name" and "NAME" are
		// the column name.
		ci := sp.index(strings.ToLower(strings.TrimSpace(name)))
		switch {
		case ci < 0:
			problems = append(problems, &rowProblem{line: line, column: name, reason: "unknown column of " + sp.table})
		case seen[ci]:
			problems = append(problems, &rowProblem{line: line, column: name, reason: "duplicate column"})
		default:
			seen[ci] = true
		}
		rr.cols = append(rr.cols, ci)
	}
	for ci, c := range sp.columns {
		if c.Is(pursuit.Required) && !seen[ci] {
			problems = append(problems, &rowProblem{line: line, column: c.Name, reason: "missing required column"})
		}
	}
	return rr, problems, nil
}

// bytes returns how many bytes of the file have been read.
func (rr *rowReader[T]) bytes() int64 {
	if rr.csv != nil {
		return rr.csv.lr.n
	}
	return rr.jsonl.lr.n
}

// line returns the line the last row read starts on.
func (rr *rowReader[T]) line() int64 {
	if rr.csv != nil {
		return rr.csv.recLine
	}
	return rr.jsonl.recLine
}

// read decodes the next row into *row. It returns a *rowProblem for a row
// that cannot be decoded (reading may go on), io.EOF at the end, or a read
// error.
func (rr *rowReader[T]) read(row *T) error {
	var zero T
	*row = zero
	if rr.csv != nil {
		if err := rr.csv.read(); err != nil {
			return err
		}
		if n := len(rr.csv.ends); n != len(rr.cols) {
			return &rowProblem{line: rr.csv.recLine, reason: fmt.Sprintf("has %d fields, the header has %d", n, len(rr.cols))}
		}
		text := string(rr.csv.buf)
		for i, ci := range rr.cols {
			if ci < 0 {
				continue // an unknown column, reported with the header
			}
			c := &rr.sp.columns[ci]
			if reason := setField(c, row, rr.csv.field(text, i), valRaw); reason != "" {
				return &rowProblem{line: rr.csv.recLine, column: c.Name, reason: reason}
			}
		}
		return nil
	}
	j := rr.jsonl
	if err := j.read(); err != nil {
		return err
	}
	text := string(j.buf)
	var seen uint64
	for _, f := range j.fields {
		name := text[f.nameStart:f.nameEnd]
		ci := rr.sp.index(name)
		if ci < 0 {
			return &rowProblem{line: j.recLine, column: name, reason: "unknown field of " + rr.sp.table}
		}
		if seen&(1<<ci) != 0 {
			return &rowProblem{line: j.recLine, column: name, reason: "duplicate field"}
		}
		seen |= 1 << ci
		c := &rr.sp.columns[ci]
		if reason := setField(c, row, text[f.valStart:f.valEnd], f.kind); reason != "" {
			return &rowProblem{line: j.recLine, column: c.Name, reason: reason}
		}
	}
	return nil
}
