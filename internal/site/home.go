package site

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/latchgo/latch"
)

// homeData fills the home page.
type homeData struct {
	Created string
	Expires string
	OnClose bool
	Values  []keyValue
}

// keyValue is one session value as shown.
type keyValue struct {
	Key   string
	Value string
}

// home shows who is signed in and what the session holds.
func (s *site) home(w http.ResponseWriter, r *http.Request) {
	sess := latch.FromContext(r.Context())
	values, err := publicValues(sess)
	if err != nil {
		s.fail(w, r, "load session", err)
		return
	}
	created, err1 := sess.CreatedAt()
	expires, err2 := sess.ExpiresAt()
	onClose, err3 := sess.ExpiresOnClose()
	if err := firstErr(err1, err2, err3); err != nil {
		s.fail(w, r, "load session", err)
		return
	}
	d := homeData{Created: formatTime(created), Expires: formatTime(expires), OnClose: onClose}
	for _, k := range sortedKeys(values) {
		d.Values = append(d.Values, keyValue{k, showValue(values[k])})
	}
	render(w, r, http.StatusOK, "home", "Home", d)
}

// setValue stores the form's value under its key and redirects home. A
// value that parses as JSON is stored as that JSON value, anything else as
// a string.
func (s *site) setValue(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		return
	}
	key, raw := r.PostFormValue("key"), r.PostFormValue("value")
	if msg := checkName(key); msg != "" {
		htmlError(w, r, http.StatusBadRequest, msg)
		return
	}
	v, err := decodeValue([]byte(raw))
	if err != nil {
		v = raw
	}
	if err := latch.FromContext(r.Context()).Set(key, v); err != nil {
		s.valueFailed(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// deleteValue removes the form's key and redirects home.
func (s *site) deleteValue(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		return
	}
	key := r.PostFormValue("key")
	if msg := checkName(key); msg != "" {
		htmlError(w, r, http.StatusBadRequest, msg)
		return
	}
	if err := latch.FromContext(r.Context()).Delete(key); err != nil {
		s.fail(w, r, "delete value", err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// valueFailed answers a failed Set: 413 when the session would be too
// large, 400 for a value the session cannot hold, else the store's status.
func (s *site) valueFailed(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := setStatus(err)
	if status == 0 {
		s.fail(w, r, "set value", err)
		return
	}
	if isAPI(r) {
		jsonError(w, status, msg)
		return
	}
	htmlError(w, r, status, msg)
}

// publicValues returns the session's values without the internal ones,
// whose keys begin with "_".
func publicValues(sess *latch.Session) (map[string]any, error) {
	values, err := sess.Values()
	if err != nil {
		return nil, err
	}
	for k := range values {
		if strings.HasPrefix(k, "_") {
			delete(values, k)
		}
	}
	return values, nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// showValue formats a session value for the page: JSON where it can,
// without JSON's \u003c escapes, since the template escapes for HTML.
func showValue(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
