package site

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// private marks every response of h as depending on the session cookie:
// Cache-Control: no-store and Vary: Cookie, on pages and JSON and also on
// redirects and the 401, 403 and 429 answers. The engine adds the same
// headers when a handler used the session; the header is finished just
// before it is sent, so that Vary names Cookie exactly once.
func private(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pw := &privateWriter{ResponseWriter: w}
		h.ServeHTTP(pw, r)
		pw.finish()
	})
}

// privateWriter adds the headers of private before the first byte.
type privateWriter struct {
	http.ResponseWriter
	done bool
}

func (w *privateWriter) finish() {
	if w.done {
		return
	}
	w.done = true
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	for _, v := range h.Values("Vary") {
		if v == "Cookie" {
			return
		}
	}
	h.Add("Vary", "Cookie")
}

func (w *privateWriter) WriteHeader(status int) {
	if status >= 200 {
		w.finish()
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *privateWriter) Write(p []byte) (int, error) {
	w.finish()
	return w.ResponseWriter.Write(p)
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *privateWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessLog logs one line per request on log, if not nil, and counts it
// in m, if not nil. The line holds the method, the path without its query
// (which may carry tokens), the status, the duration and the bytes
// written: never a header, so never a cookie or session ID.
func accessLog(log *slog.Logger, m *Metrics, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			if m != nil {
				m.Request(status, r.Method)
			}
			if log != nil {
				log.LogAttrs(r.Context(), slog.LevelInfo, "request",
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.Int("status", status),
					slog.Duration("duration", time.Since(start)),
					slog.Int64("bytes", sw.bytes))
			}
		}()
		h.ServeHTTP(sw, r)
	})
}

// statusWriter remembers the status and counts the bytes of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 && status >= 200 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// apiErrors makes every error of the JSON API JSON: the plain-text answers
// of the layers below the site (the mux's 404 and 405, the cross-origin
// 403, the auth middleware's 503) become {"error": "..."} with the same
// status and headers.
func apiErrors(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isAPI(r) {
			h.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(&apiErrorWriter{ResponseWriter: w}, r)
	})
}

// apiErrorWriter replaces a plain-text error body by a JSON one.
type apiErrorWriter struct {
	http.ResponseWriter
	replaced bool // the body was replaced; drop what the handler writes
}

func (w *apiErrorWriter) WriteHeader(status int) {
	hdr := w.Header()
	if status < 400 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/plain") {
		w.ResponseWriter.WriteHeader(status)
		return
	}
	w.replaced = true
	msg := strings.ToLower(http.StatusText(status))
	if status >= 500 {
		msg = message(status)
	}
	hdr.Del("Content-Length")
	hdr.Del("X-Content-Type-Options")
	writeJSON(w.ResponseWriter, status, map[string]string{"error": msg})
}

func (w *apiErrorWriter) Write(p []byte) (int, error) {
	if w.replaced {
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *apiErrorWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// secure adds the headers that keep the pages in their own origin: a
// Content-Security-Policy that allows only this site's stylesheet and
// script, forms that post only here, and no framing (no clickjacking of
// the sign-in form); no MIME sniffing; no Referer to other sites (a
// sign-in URL carries "next").
func secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd["Content-Security-Policy"] = contentSecurityPolicy
		hd["X-Content-Type-Options"] = noSniff
		hd["X-Frame-Options"] = denyFrames
		hd["Referrer-Policy"] = sameOrigin
		h.ServeHTTP(w, r)
	})
}

// The values of secure's headers, shared by every response; their capacity
// is their length, so that an append copies them.
var (
	contentSecurityPolicy = []string{"default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; " +
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"}[:1:1]
	noSniff    = []string{"nosniff"}[:1:1]
	denyFrames = []string{"DENY"}[:1:1]
	sameOrigin = []string{"same-origin"}[:1:1]
)
