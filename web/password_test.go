package web_test

import (
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/web"
)

func TestPasswordHash(t *testing.T) {
	const pw = "correct horse battery"
	h, err := web.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	// RFC 9106's second recommended option: 64 MiB, 3 passes.
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash %q does not carry the production cost", h)
	}
	if h2, _ := web.HashPassword(pw); h2 == h {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if !web.CheckPassword(h, pw) {
		t.Fatal("the password does not match its hash")
	}
	for _, bad := range []string{"correct horse battery ", "Correct horse battery", ""} {
		if web.CheckPassword(h, bad) {
			t.Errorf("%q matches the hash of %q", bad, pw)
		}
	}
	parts := strings.Split(h, "$")
	for _, forged := range []string{
		"", "$argon2i$" + strings.Join(parts[2:], "$"),
		strings.Replace(h, "t=3", "t=1000", 1), // a cost no sign-in may be made to pay
		strings.Replace(h, "m=65536", "m=99999999", 1),
		strings.Join(parts[:5], "$") + "$",
	} {
		if web.CheckPassword(forged, pw) {
			t.Errorf("the malformed hash %q matches", forged)
		}
	}
	cheap, err := web.CheapHash(pw)
	if err != nil || !web.CheckPassword(cheap, pw) || web.CheckPassword(cheap, "wrong password!") {
		t.Fatalf("a hash at another cost is not checked by the cost it names: %v", err)
	}
	if _, err := web.HashPassword("short"); pursuit.ErrorCode(err) != pursuit.EINVALID || pursuit.ErrorField(err) != "password" {
		t.Fatalf("HashPassword(short) = %v, want EINVALID on password", err)
	}
}
