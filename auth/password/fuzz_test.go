package password_test

import (
	"context"
	"errors"
	"testing"

	"github.com/latchgo/latch/auth/password"
)

func FuzzVerify(f *testing.F) {
	for _, s := range []string{
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$8ddZj0OaXtUNKIm0YQbWAx9+zIyOvdZbNM8ktcbPfVQ",
		"$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
		"$2a$04$abcdefghijklmnopqrstuuJzRkM2/rVYR4cXQvG1cj1VHXbJFUxry",
		"$2b$04$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
		"pbkdf2_sha256$1$salt$Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs=",
		"!unusable",
		"",
		"$",
	} {
		f.Add("password", s)
	}
	h, err := password.New(password.Options{Argon2: password.Params{Memory: 8, Time: 1}})
	if err != nil {
		f.Fatal(err)
	}
	password.SetCheapLimits(h)
	f.Fuzz(func(t *testing.T, pw, encoded string) {
		ok, rehash, err := h.Verify(context.Background(), pw, encoded)
		if err != nil && !errors.Is(err, password.ErrMalformed) {
			t.Errorf("Verify error %v, want nil or ErrMalformed", err)
		}
		if err != nil && (ok || rehash) {
			t.Errorf("Verify = (%v, %v, %v): ok or rehash with an error", ok, rehash, err)
		}
	})
}
