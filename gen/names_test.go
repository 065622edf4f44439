package gen

import (
	"slices"
	"testing"
)

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"St. Mary's", "stmarys"},
		{"La Cañada Flintridge", "lacanadaflintridge"},
		{"Hale‘iwa", "haleiwa"},
		{"Winston-Salem", "winstonsalem"},
		{"District 7", "district7"},
	}
	for _, tt := range tests {
		if got := slug(tt.in); got != tt.want {
			t.Errorf("slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAcronym(t *testing.T) {
	if got := acronym("Springfield Public Schools"); got != "sps" {
		t.Errorf("acronym = %q, want sps", got)
	}
	if got := acronym("Housing Authority of the City of Erie"); got != "hace" {
		t.Errorf("acronym = %q, want hace", got)
	}
}

func TestAllocate(t *testing.T) {
	tests := []struct {
		n    int
		w    []float64
		want []int
	}{
		{10, []float64{1, 1}, []int{5, 5}},
		{3, []float64{1, 1}, []int{2, 1}},
		{7, []float64{0, 2, 5}, []int{0, 2, 5}},
		{1, []float64{0, 0, 1}, []int{0, 0, 1}},
		{5, []float64{0, 0}, []int{0, 0}},
	}
	for _, tt := range tests {
		if got := allocate(tt.n, tt.w); !slices.Equal(got, tt.want) {
			t.Errorf("allocate(%d, %v) = %v, want %v", tt.n, tt.w, got, tt.want)
		}
	}
}

func TestKindCountsAddUp(t *testing.T) {
	total := 0
	for _, k := range kinds {
		total += k.seed
	}
	if total != seedPlaces {
		t.Errorf("the kinds' seed counts add up to %d, want %d", total, seedPlaces)
	}
	for _, n := range []int{1, 7, 999, 150_000, 400_000} {
		got := kindCounts(n)
		sum := 0
		for _, v := range got {
			sum += v
		}
		if sum != n {
			t.Errorf("kindCounts(%d) adds up to %d", n, sum)
		}
	}
}

func TestTitleVariants(t *testing.T) {
	got := titleVariantsOf("Director of Public Works", true)
	for _, want := range []string{"Public Works Director", "Dir. of Public Works", "Director, Public Works", "Interim Director of Public Works"} {
		if !slices.Contains(got, want) {
			t.Errorf("variants of Director of Public Works lack %q: %q", want, got)
		}
	}
	if got := titleVariantsOf("Fire Chief", false); slices.Contains(got, "Fire Chief II") {
		t.Errorf("a chief got a grade: %q", got)
	}
}

func TestBase62(t *testing.T) {
	if got := base62(61, 3); got != "00z" {
		t.Errorf("base62(61, 3) = %q", got)
	}
	if got := base62(62, 2); got != "10" {
		t.Errorf("base62(62, 2) = %q", got)
	}
}
