package pursuit

import (
	"regexp"
	"testing"
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
