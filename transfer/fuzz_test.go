package transfer

import (
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/jsonstr"
)

// FuzzCSVField writes fields with appendCSVField and reads them back.
func FuzzCSVField(f *testing.F) {
	for _, s := range []string{"", "plain", "a,b", `say "hi"`, "x\r\ny", "\n", `"`, " lead", "é,\"\r"} {
		f.Add(s, "second")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		line := appendCSVField(nil, a)
		line = append(line, ',')
		line = appendCSVField(line, b)
		line = append(line, '\n')
		r := newCSVReader(strings.NewReader("h1,h2\n" + string(line)))
		if err := r.read(); err != nil {
			t.Fatal(err)
		}
		err := r.read()
		if err != nil {
			t.Fatalf("read %q: %v", line, err)
		}
		text := string(r.buf)
		got := []string{}
		for i := range r.ends {
			got = append(got, r.field(text, i))
		}
		if diff := cmp.Diff([]string{a, b}, got); diff != "" {
			t.Errorf("fields of %q (-want +got):\n%s", line, diff)
		}
	})
}

// FuzzReaders feeds arbitrary bytes to both readers: they must never panic
// and must always end.
func FuzzReaders(f *testing.F) {
	f.Add([]byte("place_id,name,place_type,state_abbr\n1,\"a\"\"b\",county,TX\n"))
	f.Add([]byte(`{"place_id":1,"name":"x\u00e9","place_type":"county","state_abbr":"TX"}` + "\n{\"a\":[1]}\n"))
	f.Add([]byte("\xef\xbb\xbf\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []string{FormatCSV, FormatJSONL} {
			rr, _, err := newRowReader(placeSpec, format, strings.NewReader(string(data)))
			if err != nil {
				t.Fatal(err)
			}
			if rr.csv != nil && len(rr.cols) == 0 {
				continue
			}
			var p pursuit.Place
			for i := 0; ; i++ {
				err := rr.read(&p)
				if err == io.EOF {
					break
				}
				if _, ok := err.(*rowProblem); !ok && err != nil {
					t.Fatalf("%s: %v", format, err)
				}
				if i > len(data)+1 {
					t.Fatalf("%s: more records than bytes", format)
				}
			}
		}
	})
}

// FuzzJSONString writes a string with the module's JSON string escaper
// (internal/jsonstr, which the JSONL writer uses) and reads it back with
// the JSONL reader.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `q"b\s`, "\x00\x1f\n\t\b\f", "é😀", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // the writer replaces invalid bytes, the stores never hold them
		}
		line := `{"name":` + string(jsonstr.Append(nil, s)) + "}\n"
		r := newJSONLReader(strings.NewReader(line))
		if err := r.read(); err != nil {
			t.Fatalf("read %q: %v", line, err)
		}
		f := r.fields[0]
		if got := string(r.buf[f.valStart:f.valEnd]); got != s || f.kind != valString {
			t.Errorf("read back %q (kind %d), want %q", got, f.kind, s)
		}
	})
}
