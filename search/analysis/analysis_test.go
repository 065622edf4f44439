package analysis

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCanonical(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Chief Information Officer", []string{"cio"}},
		{"CIO", []string{"cio"}},
		{"Information Technology Director", []string{"it", "director"}},
		{"IT Dir.", []string{"it", "director"}},
		{"Asst. Superintendent", []string{"assist", "superintend"}},
		{"Assistant Supt", []string{"assist", "superintend"}},
		{"Department of Public Works", []string{"dpw"}},
		{"DPW", []string{"dpw"}},
		{"HR Manager", []string{"hr", "manag"}},
		{"Human Resources Mgr", []string{"hr", "manag"}},
		{"José Núñez", []string{"jose", "nunez"}},
		{"O'Brien", []string{"obrien"}},
		{"jane.doe@springfield.k12.il.us", []string{"jane", "doe", "springfield", "k12", "il", "us"}},
		{"", nil},
		{"  --  ", nil},
	}
	for _, tt := range tests {
		var a Analyzer
		got := a.Canonical(tt.in)
		if len(got) == 0 {
			got = nil
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Canonical(%q) diff (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestTermsHoldBothForms(t *testing.T) {
	var a Analyzer
	got := a.Terms("Chief Information Officer", nil)
	want := []string{"chief", "inform", "offic", "cio"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Terms diff (-want +got):\n%s", diff)
	}
	if !Contains(a.Plain("Information Technology Director"), a.Plain("technology director")) {
		t.Errorf("Contains: plain phrase not found")
	}
}

// TestWordsComposeToTerms checks the contract of Words and Word on random
// text built from real names, titles, stop words, abbreviations, synonym
// phrases, accents, apostrophes, digits and punctuation: where no word
// starts a phrase, Terms is the non-stop words' terms in order.
func TestWordsComposeToTerms(t *testing.T) {
	pieces := []string{"John", "O'Brien", "José", "MÜLLER", "smith", "the", "of", "and",
		"dir", "Mgr", "gov", "chief", "information", "officer", "public", "works", "human",
		"resources", "k", "12", "it", "IT", "x2", "über", "Straße", "jsmith42", "@", ".", "-",
		" ", "  ", "’", "'", "cityofaustin", "Ærø", "łódź", "ñ", "3rd", "a", "A"}
	var a, b Analyzer
	phrased := 0
	for seed := uint64(0); seed < 3000; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		var sb strings.Builder
		for n := r.IntN(8); n >= 0; n-- {
			sb.WriteString(pieces[r.IntN(len(pieces))])
			if r.IntN(3) > 0 {
				sb.WriteString([]string{" ", ".", "@", "-", ", "}[r.IntN(5)])
			}
		}
		s := sb.String()
		want := a.Terms(s, nil)
		var got []string
		start := false
		for _, w := range b.Words(s, nil) {
			term, stop, ps := b.Word(w)
			start = start || ps
			if !stop {
				got = append(got, term)
			}
		}
		if start {
			phrased++
			continue
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%q: Words and Word give %q, Terms %q", s, got, want)
		}
	}
	if phrased == 0 || phrased == 3000 {
		t.Fatalf("%d of 3000 texts had a phrase start: the test covers one case only", phrased)
	}
}
