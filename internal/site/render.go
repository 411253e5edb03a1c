package site

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/latchgo/latch/auth"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/style.css
var styleCSS []byte

//go:embed static/back.js
var backJS []byte

// pages holds one template per page, each over the base layout.
var pages = parsePages("login", "home", "sessions", "password", "error")

func parsePages(names ...string) map[string]*template.Template {
	m := map[string]*template.Template{}
	for _, name := range names {
		m[name] = template.Must(template.ParseFS(templateFS, "templates/base.html", "templates/"+name+".html"))
	}
	return m
}

// page is what every template gets.
type page struct {
	Title string
	User  *auth.User // nil when nobody is signed in
	Data  any
}

// render writes the page name with status. The page is rendered into a
// buffer first, so that a template error becomes a 500, not half a page.
func render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	p := page{Title: title, Data: data}
	if u, ok := auth.CurrentUser(r.Context()); ok {
		p.User = &u
	}
	var buf bytes.Buffer
	if err := pages[name].ExecuteTemplate(&buf, "base", p); err != nil {
		slog.ErrorContext(r.Context(), "site: rendering a page failed", "page", name, "err", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorData fills the error page.
type errorData struct {
	Status  int
	Text    string
	Message string
}

// htmlError answers with the error page.
func htmlError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "1")
	}
	render(w, r, status, "error", http.StatusText(status), errorData{status, http.StatusText(status), msg})
}

// jsonError answers {"error": msg} with status.
func jsonError(w http.ResponseWriter, status int, msg string) {
	if status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, status, map[string]string{"error": msg})
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"the value cannot be shown as JSON"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// isAPI reports whether r is a request of the JSON API.
func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/")
}

// ErrorHandler answers a request whose session could not be saved or
// loaded: JSON for the API, an HTML page otherwise, with the status of
// [auth.HTTPStatus] and Retry-After on a 503. Use it as
// latch.Config.ErrorHandler.
func ErrorHandler(w http.ResponseWriter, r *http.Request, err error) {
	status := auth.HTTPStatus(err)
	msg := message(status)
	if isAPI(r) {
		jsonError(w, status, msg)
		return
	}
	htmlError(w, r, status, msg)
}

// message is what a user is told for a status caused by the server.
func message(status int) string {
	switch status {
	case http.StatusServiceUnavailable:
		return "The service is briefly unavailable. Please try again in a moment."
	case http.StatusRequestEntityTooLarge:
		return "The session is too large."
	}
	return "Something went wrong on our side."
}

// formatTime shows t for people, in UTC.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}
