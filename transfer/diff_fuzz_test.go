package transfer

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
)

// The readers of lines.go and jsonl.go are hand-written for speed. The
// fuzzers of this file hold them to the standard library: for any input,
// our reader and encoding/csv (or encoding/json) return the same records
// with the same values, or both reject. The deliberate differences are
// written into the oracles, each with its reason:
//
// CSV, against encoding/csv with FieldsPerRecord -1 (the import compares
// each record's field count with the header itself):
//   - a leading UTF-8 byte order mark is dropped (spreadsheets write one);
//   - a line break inside a quoted field is kept byte for byte, so
//     "\r\n" stays "\r\n" where encoding/csv turns it into "\n": an exported
//     value comes back exactly;
//   - the records are compared up to the first malformed one, which both
//     must reject on the same line; our reader then goes on with the next
//     record, encoding/csv's recovery is not a contract.
//
// JSONL, against encoding/json on each line (split on "\n"):
//   - a leading byte order mark is dropped;
//   - a line holding only white space is skipped;
//   - a line must be one flat object: encoding/json accepts any value, we
//     reject a line that is not an object or holds an object or array;
//   - invalid UTF-8 inside a string is kept as it is, so that the import
//     can reject the row naming its field, where encoding/json replaces
//     each bad byte with U+FFFD: the oracle compares our values with the
//     bad bytes replaced the same way;
//   - a repeated name is reported twice (the import rejects the row), where
//     encoding/json's last one wins: the token stream shows both.
//
// Rows, against encoding/json decoding a line into the domain type with
// DisallowUnknownFields (FuzzJSONLRow):
//   - a field name must match a column exactly; encoding/json also takes
//     one that differs in case;
//   - a repeated field, invalid UTF-8 and a line over MaxRecordBytes reject
//     the row (encoding/json: the last wins, U+FFFD, no limit);
//   - an empty string is the zero time, where time.Time refuses it (an
//     export writes a zero time as "");
//   - times are kept in UTC with microseconds, the precision of the stores.

var bom = []byte("\xef\xbb\xbf")

// record is one record of a file as a reader returns it: its first line
// and its fields, or Bad for a record the reader rejects.
type record struct {
	Line   int64
	Fields []field
	Bad    bool
}

// field is one field of a record; JSONL fields have a name and a kind.
type field struct {
	Name  string
	Value string
	Kind  valKind
}

func (f field) String() string { return f.Name + "=" + f.Value }

// ourCSV reads data with csvReader up to its first malformed record.
func ourCSV(t *testing.T, data []byte) []record {
	r := newCSVReader(bytes.NewReader(data))
	var out []record
	for {
		err := r.read()
		if err == io.EOF {
			return out
		}
		var p *rowProblem
		if errors.As(err, &p) {
			return append(out, record{Line: p.line, Bad: true})
		}
		if err != nil {
			t.Fatalf("csvReader: %v", err)
		}
		rec := record{Line: r.recLine}
		text := string(r.buf)
		for i := range r.ends {
			// The deliberate difference: encoding/csv turns a CRLF inside
			// a quoted field into LF.
			rec.Fields = append(rec.Fields, field{Value: strings.ReplaceAll(r.field(text, i), "\r\n", "\n")})
		}
		out = append(out, rec)
	}
}

// stdCSV reads data with encoding/csv up to its first error.
func stdCSV(t *testing.T, data []byte) []record {
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, bom)))
	cr.FieldsPerRecord = -1
	var out []record
	for {
		fields, err := cr.Read()
		if err == io.EOF {
			return out
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return append(out, record{Line: int64(pe.StartLine), Bad: true})
		}
		if err != nil {
			t.Fatalf("encoding/csv: %v", err)
		}
		line, _ := cr.FieldPos(0)
		rec := record{Line: int64(line)}
		for _, f := range fields {
			rec.Fields = append(rec.Fields, field{Value: f})
		}
		out = append(out, rec)
	}
}

// FuzzCSVReader holds csvReader to encoding/csv.
func FuzzCSVReader(f *testing.F) {
	for _, s := range []string{
		"a,b,c\n1,2,3\n",
		"\xef\xbb\xbfplace_id,name\r\n1,\"Twin\r\nFalls\"\r\n",
		"a,\"b\"\"c\",\"d,e\"\n\n\n2,,\n",
		"a,\"b\nc\"\n",
		"\"unterminated\n",
		"a\"b\n",
		"\"a\"b\n",
		"\r\n\r\n,\n",
		"a\rb,c\n",
		" \"a\",b\n",
		"\"\"\n\"\"\"\"\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > MaxRecordBytes {
			return
		}
		ours, std := ourCSV(t, data), stdCSV(t, data)
		if reflect.DeepEqual(std, ours) {
			return
		}
		if diff := cmp.Diff(std, ours); diff != "" {
			t.Fatalf("records of %q (-encoding/csv +ours):\n%s", data, diff)
		}
	})
}

// ourJSONL reads every line of data with jsonlReader.
func ourJSONL(t *testing.T, data []byte) []record {
	r := newJSONLReader(bytes.NewReader(data))
	var out []record
	for {
		err := r.read()
		if err == io.EOF {
			return out
		}
		var p *rowProblem
		if errors.As(err, &p) {
			out = append(out, record{Line: p.line, Bad: true})
			continue
		}
		if err != nil {
			t.Fatalf("jsonlReader: %v", err)
		}
		rec := record{Line: r.recLine}
		for _, f := range r.fields {
			rec.Fields = append(rec.Fields, field{
				Name:  replaceInvalid(string(r.buf[f.nameStart:f.nameEnd])),
				Value: replaceInvalid(string(r.buf[f.valStart:f.valEnd])),
				Kind:  f.kind,
			})
		}
		out = append(out, rec)
	}
}

// stdJSONL reads every line of data with encoding/json.
func stdJSONL(t *testing.T, data []byte) []record {
	var out []record
	for i, line := range bytes.Split(bytes.TrimPrefix(data, bom), []byte("\n")) {
		if len(bytes.Trim(line, " \t\r\n")) == 0 {
			continue
		}
		rec := record{Line: int64(i + 1)}
		fields, ok := stdObject(line)
		if !ok {
			rec.Bad = true
		}
		rec.Fields = fields
		if rec.Bad {
			rec.Fields = nil
		}
		out = append(out, rec)
	}
	return out
}

// stdObject decodes a line that encoding/json accepts and that is a flat
// object; ok is false otherwise.
func stdObject(line []byte) (fields []field, ok bool) {
	if !json.Valid(line) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, false // a value, but not an object
	}
	for dec.More() {
		name, err := dec.Token()
		if err != nil {
			return nil, false
		}
		f := field{Name: name.(string)}
		v, err := dec.Token()
		if err != nil {
			return nil, false
		}
		switch v := v.(type) {
		case string:
			f.Value, f.Kind = v, valString
		case json.Number:
			f.Value, f.Kind = string(v), valNumber
		case bool:
			f.Value, f.Kind = "false", valBool
			if v {
				f.Value = "true"
			}
		case nil:
			f.Value, f.Kind = "null", valNull
		default:
			return nil, false // an object or array: not flat
		}
		fields = append(fields, f)
	}
	return fields, true
}

// FuzzJSONLReader holds jsonlReader to encoding/json.
func FuzzJSONLReader(f *testing.F) {
	for _, s := range []string{
		`{"place_id":1,"name":"x\u00e9","county":null,"ok":true}` + "\n",
		"\xef\xbb\xbf{\"a\":\"b\"}\r\n\n  \n{}\n",
		`{"a":[1]}` + "\n" + `{"a":{"b":1}}` + "\n" + `[1]` + "\n" + `"x"` + "\n",
		`{"a":.5}` + "\n" + `{"a":+1}` + "\n",
		`{"a":-0.5e+10,"b":0,"c":-0}` + "\n",
		`{"a":"\ud800","b":"\ud83d\ude00","c":"\udc00\ud800"}` + "\n",
		"{\"a\":\"\xff\xfe\"}\n",
		`{"a":1,"a":2}` + "\n",
		`{"a":1,}` + "\n" + `{"a":1}{}` + "\n" + `{"a" 1}` + "\n",
		"{\"a\":\"tab\there\"}\n",
		`{"a":nul}` + "\n" + `{"a":truex}` + "\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > MaxRecordBytes {
			return
		}
		ours, std := ourJSONL(t, data), stdJSONL(t, data)
		if reflect.DeepEqual(std, ours) {
			return
		}
		if diff := cmp.Diff(std, ours); diff != "" {
			t.Fatalf("records of %q (-encoding/json +ours):\n%s", data, diff)
		}
	})
}

// replaceInvalid replaces each byte of invalid UTF-8 with U+FFFD, as
// encoding/json does when it reads a string.
func replaceInvalid(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b []byte
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = utf8.AppendRune(b, utf8.RuneError)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return string(b)
}

// FuzzJSONLRow holds the decoding of a JSONL row into a contact (integer,
// text and time columns) to encoding/json decoding the same line into
// pursuit.Contact, with the differences above.
func FuzzJSONLRow(f *testing.F) {
	for _, s := range []string{
		`{"contact_id":1,"place_id":2,"name":"Ann","email":null,"verified_at":"2024-03-01T12:34:56.1234567+02:00"}`,
		`{"contact_id":1,"name":null,"title":"null","verified_at":null,"created_at":""}`,
		`{"contact_id":-0,"place_id":1e2}`,
		`{"contact_id":1.0}`,
		`{"Name":"x"}`,
		`{"name":"a","name":"b"}`,
		`{"verified_at":"2024-03-01T24:00:00Z"}`,
		`{"verified_at":"2024-03-01T12:00:00+24:00"}`,
		`{"verified_at":"2024-03-01t12:00:00z"}`,
		`{"verified_at":"2024-03-01T12:00:00,5Z"}`,
		`{"verified_at":"0000-01-01T00:00:00Z"}`,
		`{"fax":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if len(line) > MaxRecordBytes || bytes.ContainsAny(line, "\n") || !utf8.Valid(line) {
			return
		}
		ours, ourErr := decodeOne(t, contactSpec, FormatJSONL, string(line)+"\n")
		var std pursuit.Contact
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		stdErr := dec.Decode(&std)
		if stdErr == nil {
			if _, err := dec.Token(); err != io.EOF {
				stdErr = errors.New("more than one value")
			}
		}
		fields, flat := stdObject(line)
		names := map[string]bool{}
		exact, dup, emptyTime := true, false, false
		for _, fl := range fields {
			if contactSpec.index(fl.Name) < 0 {
				exact = false
			}
			if names[fl.Name] {
				dup = true
			}
			names[fl.Name] = true
			if fl.Kind == valString && fl.Value == "" {
				if ci := contactSpec.index(fl.Name); ci >= 0 && contactSpec.columns[ci].Kind == pursuit.KindTime {
					emptyTime = true
				}
			}
		}
		switch {
		case ourErr == nil && stdErr == nil:
			for _, tm := range []*time.Time{&std.VerifiedAt, &std.CreatedAt, &std.UpdatedAt} {
				if !tm.IsZero() {
					*tm = tm.UTC().Truncate(time.Microsecond)
				}
			}
			if diff := cmp.Diff(std, ours); diff != "" {
				t.Fatalf("%s decodes otherwise (-encoding/json +ours):\n%s", line, diff)
			}
		case ourErr == nil:
			if !emptyTime {
				t.Fatalf("%s: we accept it, encoding/json refuses it: %v", line, stdErr)
			}
		case stdErr == nil:
			if flat && exact && !dup {
				t.Fatalf("%s: encoding/json accepts it, we refuse it: %v", line, ourErr)
			}
		}
	})
}
