package auth_test

import (
	"strings"
	"testing"

	"github.com/latchgo/latch/auth"
)

func TestSafeNext(t *testing.T) {
	hostile := []string{
		"",
		"evil",
		"evil.example/path",
		"//evil",
		"///evil",
		"/\\evil",
		"\\/evil",
		"\\\\evil",
		"https://evil",
		"http:/evil",
		"http:evil",
		"javascript:alert(1)",
		"JaVaScRiPt:alert(1)",
		"data:text/html,<script>",
		"/\t/evil",
		"/\n/evil",
		"/ evil",
		" /evil",
		"/evil\x00",
		"/\x7fevil",
		"%2F%2Fevil",
		"%2f%2fevil",
		"/%2F/evil",
		"/%2f/evil",
		"/%5Cevil",
		"/%5cevil",
		"/%09/evil",
		"/%0d%0aSet-Cookie:%20a=b",
		"/%0aevil",
		"/%00",
		"/%20evil",
		"/%252F%252Fevil",
		"/%25252F%25252Fevil",
		"/%2525252F%2525252Fevil", // deeper than the decode limit
		"/%zz",
		"/%",
		"/\u2028evil",
		"/\u00a0evil",
		"/%C2%A0evil",
		"/%E2%80%A8evil",
		"/\u200bevil",
		"/\u202eevil",
		"/\xff",
		"/" + strings.Repeat("a", 5000),
	}
	for _, next := range hostile {
		t.Run("refuses "+next[:min(len(next), 40)], func(t *testing.T) {
			if auth.SafeNext(next) {
				t.Errorf("SafeNext(%q) = true, want false", next)
			}
		})
	}
	good := []string{
		"/",
		"/sessions",
		"/a?b=c&d=%2F",
		"/x#frag",
		"/a/b/c?next=%2F%2Fevil", // a local path; its query is its own business
		"/wiki/Zürich",
		"/%7Euser",
		"/a+b",
	}
	for _, next := range good {
		t.Run("accepts "+next, func(t *testing.T) {
			if !auth.SafeNext(next) {
				t.Errorf("SafeNext(%q) = false, want true", next)
			}
		})
	}
}
