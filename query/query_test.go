package query

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
)

func w(field string, neg bool, terms ...string) Clause {
	return Clause{Field: field, Terms: terms, Negated: neg}
}

func ph(field string, neg bool, terms ...string) Clause {
	return Clause{Field: field, Terms: terms, Phrase: true, Negated: neg}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		q    string
		want []Clause
	}{
		{"empty", "", nil},
		{"blank", "  \t\n ", nil},
		{"one word", "director", []Clause{w("", false, "director")}},
		{"words", "  IT   director ", []Clause{w("", false, "IT"), w("", false, "director")}},
		{"phrase", `"public works"`, []Clause{ph("", false, "public", "works")}},
		{"phrase spaces collapse", `"  public   works "`, []Clause{ph("", false, "public", "works")}},
		{"one-word phrase", `"cio"`, []Clause{ph("", false, "cio")}},
		{"excluded word", "director -intern", []Clause{w("", false, "director"), w("", true, "intern")}},
		{"excluded phrase", `director -"school district"`, []Clause{w("", false, "director"), ph("", true, "school", "district")}},
		{"field word", "title:cio", []Clause{w("title", false, "cio")}},
		{"field phrase", `dept:"public works"`, []Clause{ph("dept", false, "public", "works")}},
		{"department alias", "department:finance", []Clause{w("dept", false, "finance")}},
		{"field case", "Title:CIO EMAIL:gov", []Clause{w("title", false, "CIO"), w("email", false, "gov")}},
		{"email and name", "email:springfield.gov name:o'brien", []Clause{w("email", false, "springfield.gov"), w("name", false, "o'brien")}},
		{"negated field", "director -title:intern", []Clause{w("", false, "director"), w("title", true, "intern")}},
		{"negated field phrase", `a -dept:"parks and rec"`, []Clause{w("", false, "a"), ph("dept", true, "parks", "and", "rec")}},
		{"digits colon is a word", "10:30", []Clause{w("", false, "10:30")}},
		{"colon inside value", "title:a:b", []Clause{w("title", false, "a:b")}},
		{"hyphenated word", "co-op", []Clause{w("", false, "co-op")}},
		{"double dash", "a --b", []Clause{w("", false, "a"), w("", true, "-b")}},
		{"quote ends word", `foo"bar baz"`, []Clause{w("", false, "foo"), ph("", false, "bar", "baz")}},
		{"unicode", `"Directora de Tecnología" café`, []Clause{ph("", false, "Directora", "de", "Tecnología"), w("", false, "café")}},
		{"32 clauses", strings.Repeat("a ", 32), func() []Clause {
			var cs []Clause
			for i := 0; i < 32; i++ {
				cs = append(cs, w("", false, "a"))
			}
			return cs
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.q)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.q, err)
			}
			if diff := cmp.Diff(Query{Clauses: tt.want}, got); diff != "" {
				t.Errorf("Parse(%q) diff (-want +got):\n%s", tt.q, diff)
			}
			again, err := Parse(got.String())
			if err != nil {
				t.Fatalf("Parse(%q) (re-rendered): %v", got.String(), err)
			}
			if diff := cmp.Diff(got, again); diff != "" {
				t.Errorf("re-parse of %q diff (-want +got):\n%s", got.String(), diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		q    string
		want string // the message, which names the problem and its position
	}{
		{"unterminated quote", `director "public wo`, `unterminated quote at character 10`},
		{"unterminated quote at 12", `it director "x`, `unterminated quote at character 13`},
		{"unterminated field phrase", `title:"chief`, `unterminated quote at character 7`},
		{"empty phrase", `a ""`, `empty phrase at character 3`},
		{"blank phrase", `a "   "`, `empty phrase at character 3`},
		{"empty field value", `title: director`, `empty value for field title: at character 1`},
		{"empty field value at end", `director dept:`, `empty value for field dept: at character 10`},
		{"empty field phrase", `a name:""`, `empty phrase at character 8`},
		{"unknown field", `director foo:bar`, `unknown field "foo" (fields are title, dept, department, email, name) at character 10`},
		{"unknown negated field", `a -titel:x`, `unknown field "titel" (fields are title, dept, department, email, name) at character 4`},
		{"url", `http://example.com`, `unknown field "http" (fields are title, dept, department, email, name) at character 1`},
		{"dangling dash", `director - intern`, `'-' must be followed by a word or a phrase at character 10`},
		{"dash at end", `director -`, `'-' must be followed by a word or a phrase at character 10`},
		{"only exclusions", `  -intern -"school district"`, `the query has only exclusions, which match nothing to rank; add a word or a phrase at character 3`},
		{"too many clauses", strings.Repeat("ab ", 33), `too many clauses (more than 32) at character 97`},
		{"too long", strings.Repeat("x", 501), `is 501 characters long, more than the limit of 500`},
		{"position counts characters", `é "x`, `unterminated quote at character 3`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.q)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want an error", tt.q, got)
			}
			var e *pursuit.Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) error %T is not a *pursuit.Error", tt.q, err)
			}
			if e.Code != pursuit.EINVALID || e.Field != "q" {
				t.Errorf("Parse(%q) error code, field = %q, %q, want %q, %q", tt.q, e.Code, e.Field, pursuit.EINVALID, "q")
			}
			if e.Message != tt.want {
				t.Errorf("Parse(%q) message = %q, want %q", tt.q, e.Message, tt.want)
			}
		})
	}
}

func TestPositiveNegative(t *testing.T) {
	q, err := Parse(`a -b "c d" -title:e`)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Clause{w("", false, "a"), ph("", false, "c", "d")}, q.Positive()); diff != "" {
		t.Errorf("Positive diff (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Clause{w("", true, "b"), w("title", true, "e")}, q.Negative()); diff != "" {
		t.Errorf("Negative diff (-want +got):\n%s", diff)
	}
}

// FuzzParse checks that Parse never panics and that what it accepts
// re-renders to a query that parses to the same Query.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "director", `"public works" -intern`, `title:cio dept:"information technology"`,
		`-"a b" c`, `department:x -name:"y z"`, `a "unterminated`, `foo:bar`, "10:30 --x",
		"title:", `a ""`, "\xff\xfe", "é\u00a0x", strings.Repeat("a ", 40),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			if pursuit.ErrorCode(err) != pursuit.EINVALID || pursuit.ErrorField(err) != "q" {
				t.Fatalf("Parse(%q) error %v has code %q field %q", s, err, pursuit.ErrorCode(err), pursuit.ErrorField(err))
			}
			return
		}
		for _, c := range q.Clauses {
			if len(c.Terms) == 0 {
				t.Fatalf("Parse(%q) returned a clause with no terms: %+v", s, c)
			}
		}
		r := q.String()
		q2, err := Parse(r)
		if err != nil {
			t.Fatalf("Parse(%q) ok but Parse of its rendering %q: %v", s, r, err)
		}
		if diff := cmp.Diff(q, q2); diff != "" {
			t.Fatalf("Parse(%q) rendered %q re-parses differently (-want +got):\n%s", s, r, diff)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Parse(`director "public works" -intern title:cio dept:"information technology"`)
	}
}
