package auth

import (
	"net/url"
	"unicode"
	"unicode/utf8"
)

// maxNext bounds the length of a redirect target.
const maxNext = 2048

// maxDecodeRounds bounds how often SafeNext percent-decodes its input.
const maxDecodeRounds = 4

// SafeNext reports whether next is a safe local redirect target for after
// sign-in, as CONTRACT.md asks: at most 2048 bytes of valid UTF-8 that
// begin with exactly one "/" and hold no backslash, no whitespace (Unicode
// included: U+00A0, U+2028), no control or format character (U+200B,
// U+202E) and no scheme. The same must hold after percent-decoding, which
// is repeated until the value stops changing; a value that fails to decode,
// or still changes after four rounds, is refused.
//
// A browser would read "//evil", "/\evil" and "/\t/evil" as a path to
// another host; each of them, and each encoding of them, is refused.
func SafeNext(next string) bool {
	if len(next) > maxNext {
		return false
	}
	for range maxDecodeRounds {
		if !localPath(next) {
			return false
		}
		dec, err := url.PathUnescape(next)
		if err != nil {
			return false
		}
		if dec == next {
			return true
		}
		next = dec
	}
	return false
}

// localPath reports whether s, taken literally, is a path on this host.
// With exactly one leading "/" and no backslash there is no scheme and no
// host, so URL parsing in a browser cannot leave the site.
func localPath(s string) bool {
	if len(s) == 0 || s[0] != '/' || len(s) > 1 && s[1] == '/' {
		return false
	}
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r == '\\' || unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}
