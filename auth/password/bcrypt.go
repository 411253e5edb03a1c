package password

import (
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// bcryptHash is a $2a$, $2b$ or $2y$ hash; bcrypt computes all three alike.
type bcryptHash []byte

func parseBcrypt(s string, lim limits) (bcryptHash, error) {
	h := bcryptHash(s)
	cost, err := bcrypt.Cost(h)
	if err != nil {
		return nil, fmt.Errorf("%w: bcrypt: %v", ErrMalformed, err)
	}
	if cost > lim.bcryptCost {
		return nil, fmt.Errorf("%w: bcrypt: cost %d exceeds %d", ErrMalformed, cost, lim.bcryptCost)
	}
	return h, nil
}

// verify compares in constant time (bcrypt.CompareHashAndPassword does).
// As everywhere, bcrypt looks only at the first 72 bytes of password.
func (h bcryptHash) verify(password string) (bool, error) {
	err := bcrypt.CompareHashAndPassword(h, []byte(password))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		return false, nil
	}
	return false, fmt.Errorf("%w: bcrypt: %v", ErrMalformed, err)
}

func (bcryptHash) needsRehash(Params) bool { return true }
