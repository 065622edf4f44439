package feed

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// Standard Webhooks headers (https://www.standardwebhooks.com/).
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
	secretPrefix    = "whsec_"
	// DefaultTolerance is how far a webhook-timestamp may be from the
	// receiver's clock, as the specification's libraries default to.
	DefaultTolerance = 5 * time.Minute
)

// NewSecret returns a fresh signing secret: "whsec_" and the base64 of 32
// random bytes.
func NewSecret() string {
	var b [32]byte
	rand.Read(b[:])
	return secretPrefix + base64.StdEncoding.EncodeToString(b[:])
}

// secretKey decodes a "whsec_…" secret into its HMAC key.
func secretKey(secret string) ([]byte, error) {
	s, ok := strings.CutPrefix(secret, secretPrefix)
	if !ok {
		return nil, pursuit.FieldErrorf(pursuit.EINVALID, "secret", "a signing secret starts with %q", secretPrefix)
	}
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(key) < 16 || len(key) > 64 {
		return nil, pursuit.FieldErrorf(pursuit.EINVALID, "secret", "a signing secret is %q and the base64 of 16 to 64 bytes", secretPrefix)
	}
	return key, nil
}

// Sign returns the webhook-signature value of a message signed with each
// secret: "v1," and the base64 HMAC-SHA256 of "id.timestamp.body",
// space-separated when there are several (a rotation's grace period).
func Sign(id string, ts time.Time, body []byte, secrets ...string) (string, error) {
	var sigs []string
	for _, s := range secrets {
		key, err := secretKey(s)
		if err != nil {
			return "", err
		}
		sigs = append(sigs, "v1,"+sign(key, id, ts.Unix(), body))
	}
	return strings.Join(sigs, " "), nil
}

func sign(key []byte, id string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Verify checks a received message's headers against secret: the
// timestamp within tolerance of now, and one of the v1 signatures equal
// (in constant time) to the body's.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	key, err := secretKey(secret)
	if err != nil {
		return err
	}
	id, tsText, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if id == "" || tsText == "" || sigs == "" {
		return fmt.Errorf("missing %s, %s or %s header", HeaderID, HeaderTimestamp, HeaderSignature)
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("%s %q is not a Unix time", HeaderTimestamp, tsText)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%s is %s away from now, more than %s", HeaderTimestamp, d.Round(time.Second), tolerance)
	}
	want := []byte(sign(key, id, ts, body))
	for _, s := range strings.Fields(sigs) {
		v, sig, ok := strings.Cut(s, ",")
		if ok && v == "v1" && hmac.Equal([]byte(sig), want) {
			return nil
		}
	}
	return fmt.Errorf("no %s matches the body", HeaderSignature)
}

// signingSecrets returns the secrets that sign for an endpoint at now:
// its secret, and its previous one until the rotation's grace period
// ends.
func signingSecrets(e *pursuit.WebhookEndpoint, now time.Time) []string {
	out := []string{e.Secret}
	if e.OldSecret != "" && now.Before(e.OldSecretExpiresAt) {
		out = append(out, e.OldSecret)
	}
	return out
}
