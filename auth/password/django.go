package password

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

const djangoPrefix = "pbkdf2_sha256$"

// djangoHash is Django's PBKDF2PasswordHasher format:
// pbkdf2_sha256$<iterations>$<salt>$<base64 key>, where the salt is used as
// its ASCII bytes and the key is 32 bytes of PBKDF2-HMAC-SHA256 in standard,
// padded base64.
type djangoHash struct {
	iterations int
	salt       string
	key        []byte
}

func parseDjango(s string, lim limits) (*djangoHash, error) {
	fields := strings.Split(s, "$")
	if len(fields) != 4 {
		return nil, malformedDjango("want 4 $-separated fields, got %d", len(fields))
	}
	iter, err := strconv.Atoi(fields[1])
	if err != nil || iter < 1 {
		return nil, malformedDjango("iterations must be a positive integer")
	}
	if iter > lim.pbkdf2Iterations {
		return nil, malformedDjango("iterations %d exceed %d", iter, lim.pbkdf2Iterations)
	}
	if fields[2] == "" {
		return nil, malformedDjango("empty salt")
	}
	key, err := base64.StdEncoding.DecodeString(fields[3])
	if err != nil {
		return nil, malformedDjango("key: %v", err)
	}
	if len(key) != sha256.Size {
		return nil, malformedDjango("key is %d bytes, want %d", len(key), sha256.Size)
	}
	return &djangoHash{iterations: iter, salt: fields[2], key: key}, nil
}

func malformedDjango(format string, args ...any) error {
	return fmt.Errorf("%w: pbkdf2_sha256: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

func (d *djangoHash) verify(password string) (bool, error) {
	key, err := pbkdf2.Key(sha256.New, password, []byte(d.salt), d.iterations, len(d.key))
	if err != nil {
		return false, fmt.Errorf("password: pbkdf2_sha256: %w", err)
	}
	return subtle.ConstantTimeCompare(key, d.key) == 1, nil
}

func (*djangoHash) needsRehash(Params) bool { return true }
