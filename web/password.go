package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"

	"github.com/pursuit-gov/pursuit"
)

// Password hashing: argon2id with the parameters RFC 9106 recommends for
// memory-constrained servers (64 MiB, 3 passes), encoded in the PHC
// string format ($argon2id$v=19$m=65536,t=3,p=2$salt$hash).
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
	// MinPasswordLen is the shortest password accepted.
	MinPasswordLen = 12
	// maxPasswordLen bounds the work a sign-in can ask for.
	maxPasswordLen = 256
)

// HashPassword returns the argon2id hash of a password in PHC form. A
// password shorter than MinPasswordLen characters is EINVALID.
func HashPassword(pw string) (string, error) {
	if n := len([]rune(pw)); n < MinPasswordLen || len(pw) > maxPasswordLen {
		return "", pursuit.FieldErrorf(pursuit.EINVALID, "password", "must be %d to %d characters long, not %d", MinPasswordLen, maxPasswordLen, n)
	}
	return hashPassword(pw, argonTime, argonMemory, argonThreads), nil
}

// hashPassword hashes pw with the given argon2id cost; CheckPassword
// reads the cost back from the encoded form. Only tests use other costs
// than HashPassword's (export_test.go), so that signing in a test user
// does not spend 64 MiB and three passes each time.
func hashPassword(pw string, time, memory uint32, threads uint8) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, time, memory, threads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, memory, time, threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether pw matches an encoded argon2id hash. An
// empty or malformed hash matches nothing.
func CheckPassword(encoded, pw string) bool {
	if len(pw) > maxPasswordLen {
		return false
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var v int
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > 1<<20 || t > 10 || p == 0 {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked when a sign-in names no user, so that the answer
// takes as long as for a real one and does not tell which emails exist.
// It is made once, when a web server is made (NewServer), not when the
// package initialises: argon2 takes 64 MiB and tens of milliseconds, which
// every command of the binary paid.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("pursuit-not-a-password")
	return h
})
