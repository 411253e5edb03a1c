package latch

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// idBytes is the entropy of a session ID: 256 bits.
const idBytes = 32

// idLen is the length of an encoded session ID: base64url without padding.
var idLen = base64.RawURLEncoding.EncodedLen(idBytes)

// newID returns a fresh session ID: 256 bits from crypto/rand, base64url.
func newID() string {
	var b [idBytes]byte
	rand.Read(b[:]) // never fails; see crypto/rand.Read
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// validID reports whether s has the shape of an ID that latch issues. It
// does not say the ID is known: only the store does.
func validID(s string) bool {
	if len(s) != idLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	// The last character carries 4 bits of padding that must be zero, so
	// that one ID has exactly one spelling.
	return base64URLValue(s[len(s)-1])&0x3 == 0
}

func base64URLValue(c byte) byte {
	switch {
	case 'A' <= c && c <= 'Z':
		return c - 'A'
	case 'a' <= c && c <= 'z':
		return c - 'a' + 26
	case '0' <= c && c <= '9':
		return c - '0' + 52
	case c == '-':
		return 62
	}
	return 63
}

// KeyOf returns the store key of a session ID: the SHA-256 of the ID,
// base64url. Stores see only keys, so a copy of a store's contents is of no
// use for signing in.
func KeyOf(id string) string {
	sum := sha256.Sum256([]byte(id))
	var b [43]byte
	base64.RawURLEncoding.Encode(b[:], sum[:])
	return string(b[:])
}

// Handle returns a public, opaque name for the session stored under key,
// for pages that let a user end one of their sessions. It cannot be turned
// back into the key or the ID.
func Handle(key string) string {
	sum := sha256.Sum256([]byte("latch handle\x00" + key))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}
