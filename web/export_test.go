package web

import "github.com/pursuit-gov/pursuit"

// CheapHash is HashPassword at the lowest argon2id cost, for test users:
// CheckPassword honours the cost an encoded hash names, so their sign-ins
// are cheap too. The production cost is tested in password_test.go.
func CheapHash(pw string) (string, error) {
	if n := len([]rune(pw)); n < MinPasswordLen || len(pw) > maxPasswordLen {
		return "", pursuit.FieldErrorf(pursuit.EINVALID, "password", "bad test password length %d", n)
	}
	return hashPassword(pw, 1, 64, 1), nil
}
