package site

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth"
)

// maxBody bounds the body of PUT /api/session/data/{name}.
const maxBody = 64 << 10

// maxName bounds the length of a value's name, in bytes.
const maxName = 128

// apiLogin lets only signed-in requests reach h, and answers the others
// with 401 JSON: an API client wants a status, not a redirect.
func apiLogin(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := auth.CurrentUser(r.Context()); !ok {
			jsonError(w, http.StatusUnauthorized, "not signed in")
			return
		}
		h(w, r)
	})
}

// sessionJSON is the answer of GET /api/session.
type sessionJSON struct {
	Data      map[string]any `json:"data"`
	CreatedAt time.Time      `json:"created_at"`
	ExpiresAt time.Time      `json:"expires_at"`
}

// apiGet answers the session's public values and its times.
func (s *site) apiGet(w http.ResponseWriter, r *http.Request) {
	sess := latch.FromContext(r.Context())
	values, err := publicValues(sess)
	if err != nil {
		s.fail(w, r, "load session", err)
		return
	}
	created, err1 := sess.CreatedAt()
	expires, err2 := sess.ExpiresAt()
	if err := firstErr(err1, err2); err != nil {
		s.fail(w, r, "load session", err)
		return
	}
	writeJSON(w, http.StatusOK, sessionJSON{
		Data:      values,
		CreatedAt: created.UTC().Truncate(time.Second),
		ExpiresAt: expires.UTC().Truncate(time.Second),
	})
}

// apiPut stores the body, one JSON value, under the name in the path.
func (s *site) apiPut(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if msg := checkName(name); msg != "" {
		jsonError(w, http.StatusBadRequest, msg)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			jsonError(w, http.StatusRequestEntityTooLarge, "body larger than 64 KiB")
		} else {
			jsonError(w, http.StatusBadRequest, "body could not be read")
		}
		return
	}
	v, err := decodeValue(body)
	if err != nil {
		jsonError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := latch.FromContext(r.Context()).Set(name, v); err != nil {
		s.valueFailed(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiDelete removes the value under the name in the path; 204 also when
// there was none.
func (s *site) apiDelete(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if msg := checkName(name); msg != "" {
		jsonError(w, http.StatusBadRequest, msg)
		return
	}
	if err := latch.FromContext(r.Context()).Delete(name); err != nil {
		s.fail(w, r, "delete value", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiNoName answers /api/session/data/ without a name.
func (s *site) apiNoName(w http.ResponseWriter, r *http.Request) {
	jsonError(w, http.StatusBadRequest, checkName(""))
}

// apiCycle gives the session a new ID and keeps its data.
func (s *site) apiCycle(w http.ResponseWriter, r *http.Request) {
	if err := latch.FromContext(r.Context()).Cycle(); err != nil {
		s.fail(w, r, "cycle session", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// checkName returns why name cannot name a session value, or "".
func checkName(name string) string {
	switch {
	case name == "":
		return "the name is empty"
	case len(name) > maxName:
		return "the name is longer than 128 bytes"
	case !utf8.ValidString(name):
		return "the name is not valid UTF-8"
	case strings.HasPrefix(name, "_"):
		return "names beginning with _ are reserved"
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "the name holds a control character"
	}
	return ""
}

// setStatus maps an error of Session.Set caused by the value to its status
// and message, or returns 0 for an error of the store.
func setStatus(err error) (int, string) {
	switch {
	case errors.Is(err, latch.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, "the session would exceed its size limit"
	case errors.Is(err, latch.ErrTooDeep):
		return http.StatusBadRequest, "value nests too deeply"
	case errors.Is(err, latch.ErrUnsupportedType):
		return http.StatusBadRequest, "value of an unsupported type"
	}
	return 0, ""
}
