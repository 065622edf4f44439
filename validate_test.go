package pursuit

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidEmail(t *testing.T) {
	// The hand-written check must agree with the regular expression it
	// replaced.
	re := regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	for _, s := range []string{
		"jsmith@springfield.gov", "john.smith@springfield.k12.il.us", "a@b.c",
		"", "@springfield.gov", "jsmith@", "jsmith@gov", "jsmith@.gov", "jsmith@gov.",
		"j smith@springfield.gov", "j@s@springfield.gov", "jsmith@spring field.gov",
		"jsmith@springfield..gov", "jsmith@x.y.", "ä@ü.de", "tab\t@x.y",
	} {
		if got, want := validEmail(s), re.MatchString(s); got != want {
			t.Errorf("validEmail(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestPlaceValidateNamesField(t *testing.T) {
	p := Place{Name: "City of Springfield", PlaceType: PlaceTypeMunicipality, StateAbbr: "il"}
	err := p.Validate()
	if ErrorCode(err) != EINVALID || ErrorField(err) != "state_abbr" {
		t.Fatalf("Validate() = %v, want EINVALID on state_abbr", err)
	}
	p.StateAbbr = "IL"
	if err := p.Validate(); err != nil {
		t.Fatalf("Validate() = %v, want nil", err)
	}
}

func TestMask(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"jane.doe@springfield.gov", "j•••@springfield.gov"},
		{"", ""},
	} {
		if got := MaskEmail(tc.in); got != tc.want {
			t.Errorf("MaskEmail(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got, want := MaskPhone("(217) 555-0142"), "•••-•••-0142"; got != want {
		t.Errorf("MaskPhone = %q, want %q", got, want)
	}
	c := Contact{Email: "jane@x.gov", Phone: "217-555-0142"}
	if got := c.Masked(AccessFull); got.Email != c.Email {
		t.Errorf("Masked(full) changed the email to %q", got.Email)
	}
	if got := c.Masked(""); got.Email == c.Email || got.Phone == c.Phone {
		t.Errorf("Masked(\"\") = %+v, want masked: no access must never show PII", got)
	}
}

// TestCheckText checks the text rule against a rune-by-rune statement of
// it, on named cases and on random strings of interesting runes and bytes.
func TestCheckText(t *testing.T) {
	allowed := func(r rune) bool {
		return r == '\t' || r == '\n' || r == '\r' || !(r < 0x20 || r >= 0x7f && r <= 0x9f)
	}
	reference := func(s string) (bad bool) {
		if !utf8.ValidString(s) {
			return true
		}
		for _, r := range s {
			if !allowed(r) {
				return true
			}
		}
		return false
	}
	for _, tt := range []struct {
		name, in string
		bad      bool
	}{
		{"plain", "Springfield", false},
		{"tab, LF, CR", "a\tb\nc\r\nd", false},
		{"NUL", "a\x00b", true},
		{"escape", "\x1b[31m", true},
		{"DEL", "a\x7f", true},
		{"C1 NEL", "a\u0085", true},
		{"C1 last", "\u009f", true},
		{"after C1", "\u00a0é", false},
		{"invalid UTF-8", "a\xffb", true},
		{"line separator", "a\u2028b", false},
	} {
		err := CheckText("f", tt.in)
		if (err != nil) != tt.bad || reference(tt.in) != tt.bad {
			t.Errorf("%s: CheckText(%q) = %v, reference %v, want bad=%v", tt.name, tt.in, err, reference(tt.in), tt.bad)
		}
		if err != nil && (ErrorCode(err) != EINVALID || ErrorField(err) != "f") {
			t.Errorf("%s: CheckText(%q) = %v, want EINVALID on f", tt.name, tt.in, err)
		}
	}
	rng := rand.New(rand.NewPCG(7, 8))
	pieces := []string{"a", " ", "\t", "\n", "\r", "\x00", "\x1f", "\x7f", "\u0080", "\u0085", "\u009f", "\u00a0", "é", "\xc2", "\xff", "😀", "\u2028"}
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(6) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		if got, want := CheckText("f", s) != nil, reference(s); got != want {
			t.Fatalf("CheckText(%q) bad = %v, reference says %v", s, got, want)
		}
	}
}

func TestValidStateAbbr(t *testing.T) {
	if len(StateAbbrs) != 56 || !slices.IsSorted(StateAbbrs) {
		t.Fatalf("StateAbbrs has %d codes (sorted: %v), want 56 sorted", len(StateAbbrs), slices.IsSorted(StateAbbrs))
	}
	for _, s := range []string{"NY", "DC", "PR", "WY", "AK"} {
		if !ValidStateAbbr(s) {
			t.Errorf("ValidStateAbbr(%q) = false", s)
		}
	}
	for _, s := range []string{"ZZ", "ny", "", "N", "NYC", "XX", "AA"} {
		if ValidStateAbbr(s) {
			t.Errorf("ValidStateAbbr(%q) = true", s)
		}
	}
}
