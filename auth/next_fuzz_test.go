package auth_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/latchgo/latch/auth"
)

// FuzzSafeNext checks that every target SafeNext accepts resolves, as a
// browser resolves it against this site, to this site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/a?b=c", "//evil", "/\\evil", "/%2F%2Fevil", "/%252F", "/\t/x", "https://e"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://site.example/login")
	f.Fuzz(func(t *testing.T, next string) {
		if !auth.SafeNext(next) {
			return
		}
		u, err := url.Parse(next)
		if err != nil {
			t.Fatalf("accepted %q, which does not parse: %v", next, err)
		}
		if got := base.ResolveReference(u); got.Host != base.Host || got.Scheme != base.Scheme {
			t.Fatalf("accepted %q, which leads to %v", next, got)
		}
		if strings.ContainsAny(next, "\\\r\n\t ") {
			t.Fatalf("accepted %q, which holds a backslash or whitespace", next)
		}
	})
}
