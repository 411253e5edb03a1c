package latch

import (
	"io"
	"net/http"
)

// responseWriter commits the session just before the response's header is
// sent, so that the cookie can go with it, and answers with the error
// handler instead when the commit fails.
type responseWriter struct {
	http.ResponseWriter
	s *Session
	r *http.Request

	committed bool
	failed    bool // the commit failed; the handler's response is dropped
}

// WriteHeader commits the session, unless status is a server error: a
// failed request leaves the session as it was.
func (w *responseWriter) WriteHeader(status int) {
	if !w.committed && status >= 100 && status < 200 {
		w.ResponseWriter.WriteHeader(status)
		return
	}
	if w.commit(status) {
		w.ResponseWriter.WriteHeader(status)
	}
}

func (w *responseWriter) Write(p []byte) (int, error) {
	w.commit(http.StatusOK)
	if w.failed {
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// ReadFrom keeps io.Copy's fast path (sendfile) of the underlying writer.
func (w *responseWriter) ReadFrom(src io.Reader) (int64, error) {
	w.commit(http.StatusOK)
	if w.failed {
		return io.Copy(io.Discard, src)
	}
	return io.Copy(w.ResponseWriter, src)
}

// Flush commits the session and flushes, if the underlying writer can.
func (w *responseWriter) Flush() {
	w.commit(http.StatusOK)
	if !w.failed {
		http.NewResponseController(w.ResponseWriter).Flush()
	}
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// commit writes the session once, before the header is sent with status,
// and reports whether the handler's response should go on.
func (w *responseWriter) commit(status int) bool {
	if w.committed {
		return !w.failed
	}
	w.committed = true
	s := w.s
	if s.used() {
		h := w.Header()
		h["Cache-Control"] = noStore
		if v := h["Vary"]; len(v) == 0 {
			h["Vary"] = varyCookie
		} else {
			h["Vary"] = append(v, "Cookie")
		}
	}
	if status >= 500 {
		return true
	}
	if err := s.commit(w.ResponseWriter, w.r); err != nil {
		w.fail(err)
		return false
	}
	return true
}

// Header values shared by all responses, to spare two allocations per
// request; their capacity equals their length, so an append copies them.
var (
	noStore    = []string{"no-store"}[:1:1]
	varyCookie = []string{"Cookie"}[:1:1]
)

// fail replaces the handler's response by the error handler's.
func (w *responseWriter) fail(err error) {
	w.failed = true
	w.s.m.cfg.Logger.Error("latch: saving the session failed", "err", err, "path", w.r.URL.Path)
	h := w.Header()
	for _, k := range []string{"Content-Length", "Content-Type", "Content-Encoding", "Etag", "Last-Modified", "Location", "Set-Cookie"} {
		h.Del(k)
	}
	w.s.m.cfg.ErrorHandler(w.ResponseWriter, w.r, err)
}

// finish commits the session of a handler that wrote nothing.
func (w *responseWriter) finish() {
	if !w.committed {
		w.commit(http.StatusOK)
	}
}

// used reports whether the request read or wrote the session, so that the
// response depends on it.
func (s *Session) used() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loaded || s.m.cfg.SaveEveryRequest && s.cookie
}
