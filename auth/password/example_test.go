package password_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/latchgo/latch/auth/password"
)

func ExampleNew() {
	// The zero Options give OWASP's argon2id parameters and one hash at a
	// time per CPU.
	h, err := password.New(password.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%+v\n", h.Params())
	// Output: {Memory:19456 Time:2 Parallelism:1 SaltLength:16 KeyLength:32}
}

func ExampleHasher_Hash() {
	h, err := password.New(password.Options{})
	if err != nil {
		log.Fatal(err)
	}
	encoded, err := h.Hash(context.Background(), "correct horse battery staple")
	if errors.Is(err, password.ErrBusy) {
		// Answer 503 Service Unavailable.
		return
	} else if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.HasPrefix(encoded, "$argon2id$v=19$m=19456,t=2,p=1$"))
	// Output: true
}

func ExampleHasher_Verify() {
	h, err := password.New(password.Options{})
	if err != nil {
		log.Fatal(err)
	}
	// A hash moved over from a Django user table (with a single PBKDF2
	// iteration, to keep the example quick).
	stored := "pbkdf2_sha256$1$salt$Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs="

	ctx := context.Background()
	ok, needsRehash, err := h.Verify(ctx, "password", stored)
	if err != nil {
		log.Fatal(err) // ErrBusy: answer 503; ErrMalformed: a bad row
	}
	fmt.Println("ok:", ok, "needs rehash:", needsRehash)
	if ok && needsRehash {
		stored, err = h.Hash(ctx, "password")
		if err != nil {
			log.Fatal(err)
		}
		// Save stored in the user's row.
	}
	ok, needsRehash, _ = h.Verify(ctx, "password", stored)
	fmt.Println("ok:", ok, "needs rehash:", needsRehash)
	// Output:
	// ok: true needs rehash: true
	// ok: true needs rehash: false
}

func ExampleHasher_DummyVerify() {
	h, err := password.New(password.Options{})
	if err != nil {
		log.Fatal(err)
	}
	users := map[string]string{} // username → stored hash
	authenticate := func(ctx context.Context, username, pw string) (bool, error) {
		stored, found := users[username]
		if !found {
			// Spend the time a known user would cost.
			return false, h.DummyVerify(ctx, pw)
		}
		ok, _, err := h.Verify(ctx, pw, stored)
		return ok, err
	}
	ok, err := authenticate(context.Background(), "nobody", "guess")
	fmt.Println(ok, err)
	// Output: false <nil>
}
