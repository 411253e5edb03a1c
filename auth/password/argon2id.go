package password

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id parameters.
type Params struct {
	Memory      uint32 // KiB; default 19456 (19 MiB)
	Time        uint32 // passes over memory; default 2
	Parallelism uint8  // lanes; default 1
	SaltLength  uint32 // bytes; default 16
	KeyLength   uint32 // bytes; default 32
}

// limits bound the parameters of hashes read from storage, so that one
// poisoned row cannot tie up a server for minutes or exhaust its memory.
type limits struct {
	argon2Memory      uint32 // KiB
	argon2Time        uint32
	argon2Parallelism uint8
	pbkdf2Iterations  int
	bcryptCost        int
}

var defaultLimits = limits{
	argon2Memory:      1 << 20, // 1 GiB
	argon2Time:        64,
	argon2Parallelism: 64,
	pbkdf2Iterations:  10_000_000,
	bcryptCost:        20, // about a minute; 31 would be days
}

func (p Params) withDefaults() Params {
	if p.Memory == 0 {
		p.Memory = 19456
	}
	if p.Time == 0 {
		p.Time = 2
	}
	if p.Parallelism == 0 {
		p.Parallelism = 1
	}
	if p.SaltLength == 0 {
		p.SaltLength = 16
	}
	if p.KeyLength == 0 {
		p.KeyLength = 32
	}
	return p
}

// check reports parameters that argon2 rejects or that exceed lim.
func (p Params) check(lim limits) error {
	switch {
	case p.Time < 1 || p.Time > lim.argon2Time:
		return fmt.Errorf("argon2id time %d outside [1, %d]", p.Time, lim.argon2Time)
	case p.Parallelism < 1 || p.Parallelism > lim.argon2Parallelism:
		return fmt.Errorf("argon2id parallelism %d outside [1, %d]", p.Parallelism, lim.argon2Parallelism)
	case p.Memory < 8*uint32(p.Parallelism) || p.Memory > lim.argon2Memory:
		return fmt.Errorf("argon2id memory %d KiB outside [8×parallelism, %d]", p.Memory, lim.argon2Memory)
	case p.SaltLength < 8 || p.SaltLength > 64:
		return fmt.Errorf("argon2id salt length %d outside [8, 64]", p.SaltLength)
	case p.KeyLength < 4 || p.KeyLength > 128:
		return fmt.Errorf("argon2id key length %d outside [4, 128]", p.KeyLength)
	}
	return nil
}

type argon2Hash struct {
	params    Params
	salt, key []byte
}

// parseArgon2id parses $argon2id$v=19$m=M,t=T,p=P$<salt>$<key>.
func parseArgon2id(s string, lim limits) (*argon2Hash, error) {
	fields := strings.Split(s, "$")
	if len(fields) != 6 {
		return nil, malformedArgon2("want 6 $-separated fields, got %d", len(fields))
	}
	if fields[2] != "v=19" {
		return nil, malformedArgon2("unsupported version %.10q", fields[2])
	}
	var a argon2Hash
	var err error
	if a.params, err = parsePHCParams(fields[3]); err != nil {
		return nil, err
	}
	if a.salt, err = base64.RawStdEncoding.DecodeString(fields[4]); err != nil {
		return nil, malformedArgon2("salt: %v", err)
	}
	if a.key, err = base64.RawStdEncoding.DecodeString(fields[5]); err != nil {
		return nil, malformedArgon2("key: %v", err)
	}
	a.params.SaltLength = uint32(len(a.salt))
	a.params.KeyLength = uint32(len(a.key))
	if err := a.params.check(lim); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrMalformed, err)
	}
	return &a, nil
}

// parsePHCParams parses m=M,t=T,p=P, in that order.
func parsePHCParams(s string) (Params, error) {
	var vals [3]uint64
	pairs := strings.Split(s, ",")
	if len(pairs) != len(vals) {
		return Params{}, malformedArgon2("want parameters m, t and p")
	}
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(pairs[i], name)
		if !ok {
			return Params{}, malformedArgon2("want parameters m, t and p")
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return Params{}, malformedArgon2("parameter %s: %v", name[:1], err)
		}
		vals[i] = n
	}
	if vals[2] > 255 {
		return Params{}, malformedArgon2("parallelism %d too large", vals[2])
	}
	return Params{Memory: uint32(vals[0]), Time: uint32(vals[1]), Parallelism: uint8(vals[2])}, nil
}

func malformedArgon2(format string, args ...any) error {
	return fmt.Errorf("%w: argon2id: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

func (a *argon2Hash) derive(password string) []byte {
	p := a.params
	return argon2.IDKey([]byte(password), a.salt, p.Time, p.Memory, p.Parallelism, p.KeyLength)
}

func (a *argon2Hash) verify(password string) (bool, error) {
	return subtle.ConstantTimeCompare(a.derive(password), a.key) == 1, nil
}

func (a *argon2Hash) needsRehash(cur Params) bool {
	p := a.params
	return p.Memory < cur.Memory || p.Time < cur.Time || p.Parallelism < cur.Parallelism ||
		p.SaltLength < cur.SaltLength || p.KeyLength < cur.KeyLength
}

// String returns a in PHC string format.
func (a *argon2Hash) String() string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, a.params.Memory, a.params.Time, a.params.Parallelism,
		base64.RawStdEncoding.EncodeToString(a.salt),
		base64.RawStdEncoding.EncodeToString(a.key))
}
