package analysis

import (
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
