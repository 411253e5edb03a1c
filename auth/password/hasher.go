// Package password hashes passwords with argon2id and verifies argon2id,
// bcrypt and Django pbkdf2_sha256 hashes, so that a user table can be moved
// over from Django without a password reset.
//
// Every hash and verification runs under a [Hasher]'s concurrency limit, so
// that a flood of logins cannot take the memory or the CPU from signed-in
// users: the surplus is refused at once with [ErrBusy].
package password

import (
	"context"
	"crypto/rand"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Options configure a [Hasher]. The zero value gives the defaults.
type Options struct {
	// Argon2 are the parameters of new hashes; each zero field takes its
	// default (OWASP's recommendation).
	Argon2 Params

	// MaxConcurrent is how many hash operations may run at once.
	// Default: runtime.NumCPU().
	MaxConcurrent int

	// MaxQueue is how many callers may wait for a turn; any more are
	// refused at once with ErrBusy. Default: 64 × MaxConcurrent.
	// A negative value lets nobody wait.
	MaxQueue int

	// QueueTimeout is how long a caller waits for a turn before it gets
	// ErrBusy. Default: 5s.
	QueueTimeout time.Duration

	// Busy, when set, reports whether the program is serving other work,
	// such as signed-in users' requests. While it is, hashing leaves one
	// CPU to that work: at most MaxConcurrent-1 hashes run at once (and
	// at least one). A hash holds its CPU for tens of milliseconds, and
	// the Go scheduler takes it back only every 10 ms, so without this a
	// flood of sign-ins multiplies the latency of every other request.
	// Default nil: all MaxConcurrent slots are always open.
	Busy func() bool
}

// A Hasher hashes and verifies passwords under a concurrency limit.
// Create one with [New]; it is safe for concurrent use.
type Hasher struct {
	params Params
	limits limits
	gate   *gate

	dummyOnce sync.Once
	dummy     string
}

// New returns a Hasher configured by opts, or an error naming the first
// invalid option.
func New(opts Options) (*Hasher, error) {
	p := opts.Argon2.withDefaults()
	if err := p.check(defaultLimits); err != nil {
		return nil, fmt.Errorf("password: options: %s", err)
	}
	if opts.MaxConcurrent < 0 || opts.QueueTimeout < 0 {
		return nil, fmt.Errorf("password: options: MaxConcurrent and QueueTimeout must not be negative")
	}
	if opts.MaxConcurrent == 0 {
		opts.MaxConcurrent = runtime.NumCPU()
	}
	switch {
	case opts.MaxQueue == 0:
		opts.MaxQueue = 64 * opts.MaxConcurrent
	case opts.MaxQueue < 0:
		opts.MaxQueue = 0
	}
	if opts.QueueTimeout == 0 {
		opts.QueueTimeout = 5 * time.Second
	}
	return &Hasher{
		params: p,
		limits: defaultLimits,
		gate:   newGate(opts.MaxConcurrent, opts.MaxQueue, opts.QueueTimeout, opts.Busy),
	}, nil
}

// MaxConcurrent returns how many hash operations may run at once.
func (h *Hasher) MaxConcurrent() int { return cap(h.gate.slots) + cap(h.gate.reserve) }

// Params returns the argon2id parameters of new hashes.
func (h *Hasher) Params() Params { return h.params }

// Hash returns the argon2id hash of password in PHC string format:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>
//
// with the salt and key in unpadded standard base64. The error wraps
// [ErrBusy] when the concurrency limit refused the work.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	a := &argon2Hash{params: h.params, salt: make([]byte, h.params.SaltLength)}
	rand.Read(a.salt)
	if err := h.gate.do(ctx, func() { a.key = a.derive(password) }); err != nil {
		return "", err
	}
	return a.String(), nil
}

// Verify reports whether password matches encoded, which may be
//
//   - argon2id in PHC string format, with any parameters within limits;
//   - bcrypt ($2a$, $2b$ or $2y$);
//   - Django's pbkdf2_sha256$<iterations>$<salt>$<base64 key>.
//
// needsRehash reports whether encoded is anything but argon2id with
// parameters at least those of h; after a successful login the caller
// should then store a fresh [Hasher.Hash] of the password.
//
// An unusable hash (empty, or Django's "!" prefix) matches nothing and is
// not an error. A hash that cannot be parsed, or whose parameters are
// absurd, gives an error wrapping [ErrMalformed]; one refused by the
// concurrency limit, an error wrapping [ErrBusy].
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (ok, needsRehash bool, err error) {
	f, err := h.parse(encoded)
	if err != nil || f == nil {
		return false, false, err
	}
	err = h.gate.do(ctx, func() { ok, err = f.verify(password) })
	if err != nil {
		return false, false, err
	}
	return ok, f.needsRehash(h.params), nil
}

// DummyVerify does the work of verifying password against a hash made with
// h's parameters, and matches nothing. Call it when the user is unknown so
// that a login costs the same time whether or not the user exists. Its
// only possible error wraps [ErrBusy].
func (h *Hasher) DummyVerify(ctx context.Context, password string) error {
	h.dummyOnce.Do(func() {
		// A random key matches no password, and no argon2 run is needed
		// to make it.
		a := &argon2Hash{
			params: h.params,
			salt:   make([]byte, h.params.SaltLength),
			key:    make([]byte, h.params.KeyLength),
		}
		rand.Read(a.salt)
		rand.Read(a.key)
		h.dummy = a.String()
	})
	_, _, err := h.Verify(ctx, password, h.dummy)
	return err
}

// format is one parsed stored hash.
type format interface {
	verify(password string) (bool, error)
	needsRehash(current Params) bool
}

// parse recognises encoded by its prefix. It returns nil and no error for
// an unusable hash.
func (h *Hasher) parse(encoded string) (format, error) {
	switch {
	case encoded == "" || strings.HasPrefix(encoded, "!"):
		return nil, nil
	case strings.HasPrefix(encoded, "$argon2id$"):
		return parseArgon2id(encoded, h.limits)
	case strings.HasPrefix(encoded, "$2a$"),
		strings.HasPrefix(encoded, "$2b$"),
		strings.HasPrefix(encoded, "$2y$"):
		return parseBcrypt(encoded, h.limits)
	case strings.HasPrefix(encoded, djangoPrefix):
		return parseDjango(encoded, h.limits)
	}
	return nil, fmt.Errorf("%w: unrecognised format", ErrMalformed)
}
