package auth

import (
	"net/http"
)

// RequireLogin returns middleware that lets only signed-in requests reach
// next, what Django's login_required does. An anonymous request is
// redirected (303) to [Config.LoginURL] with "next" set to its original
// path and query, URL-encoded: "/login?next=%2Fsessions%3Fa%3D1".
//
// It may sit inside [Auth.Middleware] or be used alone: without it,
// RequireLogin resolves the user itself. Either way it must sit inside
// [latch.Manager.Handler]. A store failure is answered with 503, never
// with a redirect to the login page.
func (a *Auth) RequireLogin(next http.Handler) http.Handler {
	guard := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := CurrentUser(r.Context()); !ok {
			http.Redirect(w, r, a.LoginURL(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
	withUser := a.Middleware(guard)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Context().Value(currentKey{}) == nil {
			withUser.ServeHTTP(w, r)
			return
		}
		guard.ServeHTTP(w, r)
	})
}

// LoginURL returns [Config.LoginURL] with "next" set to next, or without
// it when next is not a safe local path (see [SafeNext]).
func (a *Auth) LoginURL(next string) string {
	u := *a.loginURL
	q := u.Query()
	q.Del("next")
	if SafeNext(next) {
		q.Set("next", next)
	}
	u.RawQuery = q.Encode()
	return u.String()
}
