package auth

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Limits of names and passwords.
const (
	MaxNameLength     = 150  // characters, as Django's username
	MinPasswordLength = 8    // characters
	MaxPasswordLength = 1024 // bytes; longer ones are refused unhashed
)

// ValidateName reports whether name is acceptable for a new user, by
// Django's username rule: 1 to [MaxNameLength] characters, each a letter,
// a digit, or one of "@.+-_". Names are not normalised: "Alice" and
// "alice" are two names. The error wraps [ErrInvalidName].
func ValidateName(name string) error {
	n := utf8.RuneCountInString(name)
	if n == 0 || n > MaxNameLength {
		return fmt.Errorf("%w: must be 1 to %d characters", ErrInvalidName, MaxNameLength)
	}
	if !utf8.ValidString(name) {
		return fmt.Errorf("%w: not valid UTF-8", ErrInvalidName)
	}
	for _, r := range name {
		if !nameRune(r) {
			return fmt.Errorf("%w: %q is not allowed; use letters, digits and @.+-_", ErrInvalidName, r)
		}
	}
	return nil
}

func nameRune(r rune) bool {
	switch r {
	case '@', '.', '+', '-', '_':
		return true
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// ValidatePassword reports whether pw is acceptable as a new password: at
// least [MinPasswordLength] characters and at most [MaxPasswordLength]
// bytes of valid UTF-8. The error wraps [ErrInvalidPassword].
func ValidatePassword(pw string) error {
	switch {
	case !utf8.ValidString(pw):
		return fmt.Errorf("%w: not valid UTF-8", ErrInvalidPassword)
	case utf8.RuneCountInString(pw) < MinPasswordLength:
		return fmt.Errorf("%w: must be at least %d characters", ErrInvalidPassword, MinPasswordLength)
	case len(pw) > MaxPasswordLength:
		return fmt.Errorf("%w: must be at most %d bytes", ErrInvalidPassword, MaxPasswordLength)
	}
	return nil
}
