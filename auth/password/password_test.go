package password_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/latchgo/latch/auth/password"
	"golang.org/x/crypto/bcrypt"
)

// cheap are argon2id parameters small enough for tests that are not about
// the parameters.
var cheap = password.Params{Memory: 64, Time: 1, Parallelism: 1}

func newHasher(t testing.TB, opts password.Options) *password.Hasher {
	t.Helper()
	h, err := password.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return h
}

func mustHash(t testing.TB, h *password.Hasher, pw string) string {
	t.Helper()
	enc, err := h.Hash(context.Background(), pw)
	if err != nil {
		t.Fatalf("Hash: %v", err)
	}
	return enc
}

func TestHashFormat(t *testing.T) {
	h := newHasher(t, password.Options{Argon2: cheap})
	enc := mustHash(t, h, "hunter2")
	re := regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !re.MatchString(enc) {
		t.Errorf("Hash = %q, want match for %s", enc, re)
	}
	if again := mustHash(t, h, "hunter2"); again == enc {
		t.Errorf("two hashes of one password are equal; want distinct salts")
	}
}

func TestDefaultParams(t *testing.T) {
	h := newHasher(t, password.Options{})
	want := password.Params{Memory: 19456, Time: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	if got := h.Params(); got != want {
		t.Errorf("Params() = %+v, want %+v", got, want)
	}
}

func TestNewRejectsInvalidOptions(t *testing.T) {
	for name, opts := range map[string]password.Options{
		"memory below 8 KiB per lane": {Argon2: password.Params{Memory: 4}},
		"memory above 1 GiB":          {Argon2: password.Params{Memory: 1<<20 + 1}},
		"short salt":                  {Argon2: password.Params{SaltLength: 4}},
		"negative MaxConcurrent":      {MaxConcurrent: -1},
		"negative QueueTimeout":       {QueueTimeout: -1},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := password.New(opts); err == nil {
				t.Errorf("New(%+v) succeeded, want error", opts)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	h := newHasher(t, password.Options{Argon2: cheap})
	weaker := newHasher(t, password.Options{Argon2: password.Params{Memory: 32, Time: 1}})
	stronger := newHasher(t, password.Options{Argon2: password.Params{Memory: 128, Time: 2}})
	bc, err := bcrypt.GenerateFromPassword([]byte("hunter2"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	bcSuffix := strings.TrimPrefix(string(bc), "$2a$")

	tests := []struct {
		name       string
		encoded    string
		password   string
		ok, rehash bool
	}{
		{"argon2id current", mustHash(t, h, "hunter2"), "hunter2", true, false},
		{"argon2id wrong password", mustHash(t, h, "hunter2"), "hunter3", false, false},
		{"argon2id empty password", mustHash(t, h, ""), "", true, false},
		{"argon2id weaker parameters", mustHash(t, weaker, "hunter2"), "hunter2", true, true},
		{"argon2id stronger parameters", mustHash(t, stronger, "hunter2"), "hunter2", true, false},
		{"bcrypt $2a$", string(bc), "hunter2", true, true},
		{"bcrypt $2b$", "$2b$" + bcSuffix, "hunter2", true, true},
		{"bcrypt $2y$", "$2y$" + bcSuffix, "hunter2", true, true},
		{"bcrypt wrong password", string(bc), "hunter3", false, true},
		// RFC 7914 §11: PBKDF2-HMAC-SHA256, P="password", S="salt", c=1,
		// dkLen=32 gives 120fb6cf…b70be17b, here in Django's format.
		{"django RFC 7914 vector", "pbkdf2_sha256$1$salt$Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs=", "password", true, true},
		{"django wrong password", "pbkdf2_sha256$1$salt$Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs=", "Password", false, true},
		{"django unusable", "!dJ5Qm1xkNcqCYz8MgZEvN6qhKLqJxnU9oD0ZP0Wk", "", false, false},
		{"empty hash is unusable", "", "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := h.Verify(context.Background(), tt.password, tt.encoded)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if ok != tt.ok || rehash != tt.rehash {
				t.Errorf("Verify = (ok %v, rehash %v), want (%v, %v)", ok, rehash, tt.ok, tt.rehash)
			}
		})
	}
}

// TestVerifyDjangoVectors checks hashes computed outside Go.
func TestVerifyDjangoVectors(t *testing.T) {
	if testing.Short() {
		t.Skip("hundreds of thousands of PBKDF2 iterations")
	}
	h := newHasher(t, password.Options{Argon2: cheap})
	tests := []struct{ password, encoded string }{
		// Django's own test suite, tests/auth_tests/test_hashers.py
		// (test_pbkdf2, Django 4.1).
		{"lètmein", "pbkdf2_sha256$390000$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c="},
		// Python's hashlib.pbkdf2_hmac("sha256", b"secret",
		// b"xSrG5Lx1G5hB", 600000), which is what Django 5 computes.
		{"secret", "pbkdf2_sha256$600000$xSrG5Lx1G5hB$WOowDs97EhEu3p6ztz+7RRDEpVsHK22VQrKb5NZQt6k="},
	}
	for _, tt := range tests {
		t.Run(tt.password, func(t *testing.T) {
			t.Parallel()
			ok, rehash, err := h.Verify(context.Background(), tt.password, tt.encoded)
			if err != nil || !ok || !rehash {
				t.Errorf("Verify(%q) = (%v, %v, %v), want (true, true, nil)", tt.password, ok, rehash, err)
			}
			ok, _, err = h.Verify(context.Background(), tt.password+"z", tt.encoded)
			if err != nil || ok {
				t.Errorf("Verify(%q) = (%v, %v), want (false, nil)", tt.password+"z", ok, err)
			}
		})
	}
}

func TestVerifyMalformed(t *testing.T) {
	h := newHasher(t, password.Options{Argon2: cheap})
	valid := mustHash(t, h, "x")
	tests := map[string]string{
		"unknown algorithm":       "md5$seasalt$3f86d0d3d465b7b458c231bf3555c0e3",
		"argon2i":                 "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
		"argon2id version 16":     strings.Replace(valid, "v=19", "v=16", 1),
		"argon2id no version":     strings.Replace(valid, "$v=19", "", 1),
		"argon2id missing key":    valid[:strings.LastIndex(valid, "$")],
		"argon2id bad base64":     valid + "!",
		"argon2id params order":   strings.Replace(valid, "m=64,t=1", "t=1,m=64", 1),
		"argon2id zero time":      strings.Replace(valid, "t=1", "t=0", 1),
		"argon2id zero lanes":     strings.Replace(valid, "p=1", "p=0", 1),
		"argon2id negative":       strings.Replace(valid, "m=64", "m=-64", 1),
		"argon2id memory > 1 GiB": strings.Replace(valid, "m=64", "m=1048577", 1),
		"argon2id time absurd":    strings.Replace(valid, "t=1", "t=100000", 1),
		"argon2id 256 lanes":      strings.Replace(valid, "p=1", "p=256", 1),
		"bcrypt too short":        "$2b$10$abc",
		"bcrypt cost 31":          "$2b$31$abcdefghijklmnopqrstuuJzRkM2/rVYR4cXQvG1cj1VHXbJFUxry",
		"django two fields":       "pbkdf2_sha256$1000",
		"django iterations zero":  "pbkdf2_sha256$0$salt$Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs=",
		"django iterations > 10M": "pbkdf2_sha256$10000001$salt$Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs=",
		"django short key":        "pbkdf2_sha256$1$salt$Eg+2z/z4syxD5yJS",
		"django unpadded key":     "pbkdf2_sha256$1$salt$Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs",
		"django empty salt":       "pbkdf2_sha256$1$$Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs=",
	}
	for name, enc := range tests {
		t.Run(name, func(t *testing.T) {
			ok, rehash, err := h.Verify(context.Background(), "x", enc)
			if !errors.Is(err, password.ErrMalformed) {
				t.Errorf("Verify error = %v, want ErrMalformed", err)
			}
			if ok || rehash {
				t.Errorf("Verify = (ok %v, rehash %v), want (false, false)", ok, rehash)
			}
		})
	}
}

func TestDummyVerify(t *testing.T) {
	h := newHasher(t, password.Options{Argon2: cheap})
	for range 2 {
		if err := h.DummyVerify(context.Background(), "anything"); err != nil {
			t.Fatalf("DummyVerify: %v", err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	h := newHasher(b, password.Options{})
	enc := mustHash(b, h, "correct horse battery staple")
	ctx := context.Background()
	for b.Loop() {
		if ok, _, err := h.Verify(ctx, "correct horse battery staple", enc); !ok || err != nil {
			b.Fatalf("Verify = (%v, %v)", ok, err)
		}
	}
}
