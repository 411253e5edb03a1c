package latch

import (
	"net/http"
	"strings"
)

// sessionID returns the first value of the cookie called name in r's
// Cookie headers that has the shape of a session ID, or "". It reads the
// headers in place: the session cookie is read on every request, and
// http.Request.CookiesNamed allocates for each cookie it parses.
func sessionID(r *http.Request, name string) string {
	for _, line := range r.Header["Cookie"] {
		for len(line) > 0 {
			var part string
			part, line, _ = strings.Cut(line, ";")
			part = strings.TrimSpace(part)
			k, v, ok := strings.Cut(part, "=")
			if !ok || k != name {
				continue
			}
			if len(v) > 1 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			if validID(v) {
				return v
			}
		}
	}
	return ""
}
