package auth

import "net/http"

// CrossOrigin wraps h with [http.CrossOriginProtection]: a state-changing
// request (not GET, HEAD or OPTIONS) that a browser marks as coming from
// another site, by Sec-Fetch-Site or by an Origin that does not match the
// Host, is refused with 403. Requests with neither header (curl, scripts)
// pass, as do same-origin ones. Wrap every state-changing route with it,
// the login form included, so that no other site can sign a browser in or
// out.
func CrossOrigin(h http.Handler) http.Handler {
	return http.NewCrossOriginProtection().Handler(h)
}
