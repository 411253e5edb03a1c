package site

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth"
	"github.com/latchgo/latch/auth/password"
	"github.com/latchgo/latch/auth/throttle"
)

// maxForm bounds the body of every HTML form.
const maxForm = 64 << 10

// msgInvalid is the one answer to a wrong name or password, whether or not
// the user exists.
const msgInvalid = "Invalid username or password."

// loginData fills the sign-in page.
type loginData struct {
	Username string
	Next     string
	Error    string
	Lifetime string
}

// loginForm shows the sign-in form.
func (s *site) loginForm(w http.ResponseWriter, r *http.Request) {
	next := r.URL.Query().Get("next")
	if !auth.SafeNext(next) {
		next = ""
	}
	s.renderLogin(w, r, http.StatusOK, loginData{Next: next})
}

func (s *site) renderLogin(w http.ResponseWriter, r *http.Request, status int, d loginData) {
	d.Lifetime = humanDuration(s.lifetime)
	render(w, r, status, "login", "Sign in", d)
}

// loginPost signs the user in and redirects to next (or "/"). "remember"
// unchecked makes the session cookie a browser-session cookie, Django's
// idiom of request.session.set_expiry(0); checked keeps the configured
// expiry.
func (s *site) loginPost(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		return
	}
	name, pw, next := r.PostFormValue("username"), r.PostFormValue("password"), r.PostFormValue("next")
	if !auth.SafeNext(next) {
		next = ""
	}
	d := loginData{Username: name, Next: next}
	_, err := s.auth.SignIn(w, r, name, pw)
	if err == nil && r.PostFormValue("remember") == "" {
		err = latch.FromContext(r.Context()).SetExpiry(latch.ExpireOnClose())
	}
	if err != nil {
		s.loginFailed(w, r, err, d)
		return
	}
	s.metrics.SignIn(SignInOK)
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// loginFailed answers a sign-in that failed: 401 and the form for a wrong
// name or password, 429 when throttled, 503 when busy or a store failed.
// Retry-After was set by SignIn.
func (s *site) loginFailed(w http.ResponseWriter, r *http.Request, err error, d loginData) {
	var te *throttle.Error
	switch {
	case errors.Is(err, auth.ErrInvalidCredentials):
		s.metrics.SignIn(SignInInvalid)
		d.Error = msgInvalid
		s.renderLogin(w, r, http.StatusUnauthorized, d)
	case errors.As(err, &te):
		s.metrics.SignIn(SignInThrottled)
		setRetryAfter(w, te.RetryAfter)
		d.Error = fmt.Sprintf("Too many failed sign-ins. Try again in %s.", humanDuration(te.RetryAfter))
		s.renderLogin(w, r, http.StatusTooManyRequests, d)
	case errors.Is(err, password.ErrBusy):
		s.metrics.SignIn(SignInBusy)
		setRetryAfter(w, time.Second)
		d.Error = "The server is busy. Please try again in a moment."
		s.renderLogin(w, r, http.StatusServiceUnavailable, d)
	default:
		s.metrics.SignIn(SignInError)
		s.fail(w, r, "sign in", err)
	}
}

// logout ends the session and redirects to the sign-in page.
func (s *site) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.auth.Logout(r); err != nil {
		s.fail(w, r, "sign out", err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// fail answers an error of the stores or of auth with its status, and logs
// it when it is the server's fault.
func (s *site) fail(w http.ResponseWriter, r *http.Request, op string, err error) {
	status := auth.HTTPStatus(err)
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "site: "+op+" failed", "err", err, "path", r.URL.Path)
	}
	if status == http.StatusServiceUnavailable {
		setRetryAfter(w, time.Second)
	}
	if isAPI(r) {
		jsonError(w, status, message(status))
		return
	}
	htmlError(w, r, status, message(status))
}

// setRetryAfter sets Retry-After to d in whole seconds, at least 1, unless
// it is set already.
func setRetryAfter(w http.ResponseWriter, d time.Duration) {
	if w.Header().Get("Retry-After") != "" {
		return
	}
	secs := max(int64((d+time.Second-1)/time.Second), 1)
	w.Header().Set("Retry-After", fmt.Sprint(secs))
}

// parseForm reads a form body of at most maxForm bytes; on failure it
// answers 413 or 400 and returns false.
func parseForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			htmlError(w, r, http.StatusRequestEntityTooLarge, "The form is too large.")
		} else {
			htmlError(w, r, http.StatusBadRequest, "The form could not be read.")
		}
		return false
	}
	return true
}

// humanDuration says d in its largest unit, rounded up: "14 days",
// "15 minutes", "42 seconds".
func humanDuration(d time.Duration) string {
	units := []struct {
		d    time.Duration
		name string
	}{{24 * time.Hour, "day"}, {time.Hour, "hour"}, {time.Minute, "minute"}, {time.Second, "second"}}
	for _, u := range units {
		if d >= u.d {
			return plural(int64((d+u.d-1)/u.d), u.name)
		}
	}
	return "1 second"
}

func plural(n int64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, strings.TrimSuffix(unit, "s"))
}
