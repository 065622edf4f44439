package titles

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
)

type labelled struct {
	line                       int
	title, dept, fn, seniority string
}

func readLabelled(t testing.TB) []labelled {
	t.Helper()
	f, err := os.Open("testdata/labelled.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []labelled
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		p := strings.Split(s, "\t")
		if len(p) != 4 {
			t.Fatalf("labelled.tsv:%d: %d fields, want 4 (title, department, function, seniority)", line, len(p))
		}
		rows = append(rows, labelled{line, p[0], p[1], p[2], p[3]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestLabelled checks every row of the labelled list: the list is the
// specification of the rules.
func TestLabelled(t *testing.T) {
	rows := readLabelled(t)
	if len(rows) < 150 {
		t.Fatalf("labelled.tsv has %d rows, want at least 150", len(rows))
	}
	wrong := 0
	for _, r := range rows {
		if !slices.Contains(Functions, r.fn) {
			t.Errorf("labelled.tsv:%d: function %q is not one of Functions", r.line, r.fn)
		}
		if !slices.Contains(Seniorities, r.seniority) {
			t.Errorf("labelled.tsv:%d: seniority %q is not one of Seniorities", r.line, r.seniority)
		}
		f, s := Classify(r.title, r.dept)
		if f != r.fn || s != r.seniority {
			wrong++
			t.Errorf("labelled.tsv:%d: Classify(%q, %q) = (%s, %s), want (%s, %s)", r.line, r.title, r.dept, f, s, r.fn, r.seniority)
		}
	}
	t.Logf("%d/%d labelled titles classified correctly", len(rows)-wrong, len(rows))
}

func TestClassifyEdgeCases(t *testing.T) {
	tests := []struct {
		name, title, dept string
		fn, seniority     string
	}{
		{"empty", "", "", FunctionOther, SeniorityStaff},
		{"punctuation only", "--- / ()", "", FunctionOther, SeniorityStaff},
		{"department only decides", "", "Information Technology", FunctionIT, SeniorityStaff},
		{"upper case", "DIRECTOR OF PUBLIC WORKS", "", FunctionPublicWorks, SeniorityDirector},
		{"non-ASCII", "Directora de Tecnología", "", FunctionOther, SeniorityDirector},
		{"very long word", strings.Repeat("x", 500) + " Police Chief", "", FunctionPublicSafety, SeniorityExecutive},
		{"many tokens", strings.Repeat("a b ", 100) + "Mayor", "", FunctionOther, SeniorityStaff},
		{"invalid UTF-8", "Fire \xff\xfe Chief", "", FunctionPublicSafety, SeniorityExecutive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, s := Classify(tt.title, tt.dept)
			if f != tt.fn || s != tt.seniority {
				t.Errorf("Classify(%q, %q) = (%s, %s), want (%s, %s)", tt.title, tt.dept, f, s, tt.fn, tt.seniority)
			}
		})
	}
}

func TestClassifyAllocs(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		Classify("Deputy Director of Information Technology Services", "Information Technology")
	})
	if n != 0 {
		t.Errorf("Classify allocates %v times per call, want 0", n)
	}
}

func BenchmarkClassify(b *testing.B) {
	rows := readLabelled(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := rows[i%len(rows)]
		Classify(r.title, r.dept)
	}
}

// FuzzClassify checks that Classify never panics and always returns a
// listed function and seniority.
func FuzzClassify(f *testing.F) {
	f.Add("Dir. of IT", "")
	f.Add("Asst. Superintendent", "Schools")
	f.Add("Treasurer/Tax Collector", "Finance")
	f.Add("\xff chief of", "of")
	f.Fuzz(func(t *testing.T, title, dept string) {
		fn, sen := Classify(title, dept)
		if !slices.Contains(Functions, fn) || !slices.Contains(Seniorities, sen) {
			t.Fatalf("Classify(%q, %q) = (%q, %q), not a listed function and seniority", title, dept, fn, sen)
		}
	})
}
