package feed

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"

	"github.com/pursuit-gov/pursuit"
)

// cursorVersion is the first byte of a sealed feed cursor.
const cursorVersion = 1

// Cursors seals and opens change feed cursors: a customer's position in
// its feed (the last EventID it got), encrypted and authenticated with
// AES-GCM under a key derived from the store's shared secret
// (pursuit.SecretFeedCursor), with the customer's id as additional data.
// A cursor thus tells nothing (not how many events exist, not the global
// event id), opens only for the customer it was made for, and works on
// every server and after a restart.
type Cursors struct {
	aead cipher.AEAD
}

// NewCursors derives the cursor key from secret.
func NewCursors(secret []byte) (*Cursors, error) {
	if len(secret) < pursuit.SecretMinSize {
		return nil, fmt.Errorf("feed cursor secret: %d bytes, want at least %d", len(secret), pursuit.SecretMinSize)
	}
	key, err := hkdf.Key(sha256.New, secret, nil, "pursuit feed cursor v1", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Cursors{aead: aead}, nil
}

func cursorAD(customerID int64) []byte {
	return binary.BigEndian.AppendUint64([]byte("pursuit feed cursor"), uint64(customerID))
}

// Seal returns the cursor of a customer's position after event eventID.
func (c *Cursors) Seal(customerID, eventID int64) string {
	nonce := make([]byte, c.aead.NonceSize())
	rand.Read(nonce)
	out := append([]byte{cursorVersion}, nonce...)
	out = c.aead.Seal(out, nonce, binary.BigEndian.AppendUint64(nil, uint64(eventID)), cursorAD(customerID))
	return base64.RawURLEncoding.EncodeToString(out)
}

// Open returns the position a customer's cursor holds; a cursor that is
// malformed, tampered with or made for another customer is EINVALID on
// field "after", with one message for all of them.
func (c *Cursors) Open(customerID int64, s string) (int64, error) {
	bad := pursuit.FieldErrorf(pursuit.EINVALID, "after", "not a cursor of this feed: pass next_cursor from a previous response, or nothing to start at the beginning")
	b, err := base64.RawURLEncoding.DecodeString(s)
	ns := c.aead.NonceSize()
	if err != nil || len(b) < 1+ns || b[0] != cursorVersion {
		return 0, bad
	}
	plain, err := c.aead.Open(nil, b[1:1+ns], b[1+ns:], cursorAD(customerID))
	if err != nil || len(plain) != 8 {
		return 0, bad
	}
	return int64(binary.BigEndian.Uint64(plain)), nil
}
