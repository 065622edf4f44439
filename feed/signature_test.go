package feed_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit/feed"
)

// The Standard Webhooks specification's published test vector.
const (
	vecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vecID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vecTS     = 1614265330
	vecBody   = `{"test": 2432232314}`
	vecSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

// independentSign computes the signature straight from the
// specification's text, sharing no code with package feed.
func independentSign(secret, id, ts, body string) string {
	key, _ := base64.StdEncoding.DecodeString(secret[len("whsec_"):])
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + ts + "." + body))
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func TestSignatureTestVector(t *testing.T) {
	if got := independentSign(vecSecret, vecID, "1614265330", vecBody); got != vecSig {
		t.Fatalf("independent implementation: %s, want %s", got, vecSig)
	}
	got, err := feed.Sign(vecID, time.Unix(vecTS, 0), []byte(vecBody), vecSecret)
	if err != nil || got != vecSig {
		t.Fatalf("Sign = %q, %v; want %s", got, err, vecSig)
	}
	h := http.Header{}
	h.Set(feed.HeaderID, vecID)
	h.Set(feed.HeaderTimestamp, "1614265330")
	h.Set(feed.HeaderSignature, "v1,bm9wZQ== "+vecSig)
	now := time.Unix(vecTS+60, 0)
	if err := feed.Verify(vecSecret, h, []byte(vecBody), now, feed.DefaultTolerance); err != nil {
		t.Fatalf("Verify the vector: %v", err)
	}
	// Attacks: a changed body, id or timestamp, an old message, another
	// secret, another version's signature.
	if feed.Verify(vecSecret, h, []byte(`{"test": 2432232315}`), now, feed.DefaultTolerance) == nil {
		t.Error("a changed body verified")
	}
	h2 := h.Clone()
	h2.Set(feed.HeaderID, "msg_other")
	if feed.Verify(vecSecret, h2, []byte(vecBody), now, feed.DefaultTolerance) == nil {
		t.Error("a changed id verified")
	}
	if feed.Verify(vecSecret, h, []byte(vecBody), time.Unix(vecTS+3600, 0), feed.DefaultTolerance) == nil {
		t.Error("a message an hour old verified")
	}
	if feed.Verify(feed.NewSecret(), h, []byte(vecBody), now, feed.DefaultTolerance) == nil {
		t.Error("another secret verified")
	}
	h3 := h.Clone()
	h3.Set(feed.HeaderSignature, "v2,"+vecSig[3:])
	if feed.Verify(vecSecret, h3, []byte(vecBody), now, feed.DefaultTolerance) == nil {
		t.Error("a v2 signature verified")
	}
}

// TestSignRotation: during a rotation's grace period both secrets sign,
// and a receiver holding either verifies.
func TestSignRotation(t *testing.T) {
	oldS, newS := feed.NewSecret(), feed.NewSecret()
	ts := time.Unix(1700000000, 0)
	sig, err := feed.Sign("msg_1", ts, []byte("{}"), newS, oldS)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set(feed.HeaderID, "msg_1")
	h.Set(feed.HeaderTimestamp, "1700000000")
	h.Set(feed.HeaderSignature, sig)
	for _, s := range []string{oldS, newS} {
		if err := feed.Verify(s, h, []byte("{}"), ts, feed.DefaultTolerance); err != nil {
			t.Errorf("secret %s: %v", s[:10], err)
		}
		if want := independentSign(s, "msg_1", "1700000000", "{}"); !contains(sig, want) {
			t.Errorf("signature %q lacks %q", sig, want)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
