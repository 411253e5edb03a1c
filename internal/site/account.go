package site

import (
	"errors"
	"net/http"
	"strings"

	"github.com/latchgo/latch/auth"
	"github.com/latchgo/latch/auth/throttle"
)

// sessionRow is one row of the sessions page.
type sessionRow struct {
	Handle    string
	Created   string
	LastSeen  string
	IP        string
	UserAgent string
	Current   bool
}

// sessionsPage lists the user's live sessions, each with a revoke button.
func (s *site) sessionsPage(w http.ResponseWriter, r *http.Request) {
	infos, err := s.auth.Sessions(r)
	if err != nil {
		s.fail(w, r, "list sessions", err)
		return
	}
	rows := make([]sessionRow, len(infos))
	for i, in := range infos {
		rows[i] = sessionRow{
			Handle:    in.Handle,
			Created:   formatTime(in.Created),
			LastSeen:  formatTime(in.LastSeen),
			IP:        in.IP,
			UserAgent: in.UserAgent,
			Current:   in.Current,
		}
	}
	render(w, r, http.StatusOK, "sessions", "Your sessions", struct{ Sessions []sessionRow }{rows})
}

// revoke ends the session named by the form's handle, or every other
// session with all=others, and redirects to the sessions page. A handle
// that names no live session is no error: it is dead already, as after a
// double click.
func (s *site) revoke(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		return
	}
	var err error
	switch handle := r.PostFormValue("handle"); {
	case r.PostFormValue("all") == "others":
		_, err = s.auth.RevokeOthers(r)
	case handle != "":
		err = s.auth.Revoke(r, handle)
	default:
		htmlError(w, r, http.StatusBadRequest, "Say which session to end: a handle, or all=others.")
		return
	}
	if err != nil && !errors.Is(err, auth.ErrNoSuchSession) {
		s.fail(w, r, "revoke sessions", err)
		return
	}
	http.Redirect(w, r, "/sessions", http.StatusSeeOther)
}

// passwordData fills the password page.
type passwordData struct{ Error string }

// passwordForm shows the password change form.
func (s *site) passwordForm(w http.ResponseWriter, r *http.Request) {
	render(w, r, http.StatusOK, "password", "Change your password", passwordData{})
}

// passwordPost changes the password: old, new and, from the form,
// confirm (a client that sends no confirm field is not asked for it).
// Every other session of the user ends; this one gets a new ID.
func (s *site) passwordPost(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		return
	}
	old, pw := r.PostFormValue("old"), r.PostFormValue("new")
	if _, sent := r.PostForm["confirm"]; sent && r.PostFormValue("confirm") != pw {
		s.passwordFailed(w, r, http.StatusBadRequest, "The two new passwords do not match.")
		return
	}
	err := s.auth.ChangePassword(r, old, pw)
	var te *throttle.Error
	switch {
	case err == nil:
		http.Redirect(w, r, "/", http.StatusSeeOther)
	case errors.Is(err, auth.ErrInvalidCredentials):
		s.passwordFailed(w, r, http.StatusBadRequest, "Your current password was entered incorrectly.")
	case errors.Is(err, auth.ErrInvalidPassword):
		detail := strings.TrimPrefix(err.Error(), auth.ErrInvalidPassword.Error()+": ")
		s.passwordFailed(w, r, http.StatusBadRequest, "The new password "+detail+".")
	case errors.As(err, &te):
		setRetryAfter(w, te.RetryAfter)
		s.passwordFailed(w, r, http.StatusTooManyRequests, "Too many wrong passwords. Try again in "+humanDuration(te.RetryAfter)+".")
	default:
		s.fail(w, r, "change password", err)
	}
}

func (s *site) passwordFailed(w http.ResponseWriter, r *http.Request, status int, msg string) {
	render(w, r, status, "password", "Change your password", passwordData{Error: msg})
}
