package auth

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"time"
)

// EventKind names a security event.
type EventKind string

// The kinds of [Event].
const (
	EventSignedIn        EventKind = "signed-in"
	EventSignedOut       EventKind = "signed-out"
	EventSignInFailed    EventKind = "sign-in-failed"
	EventThrottled       EventKind = "throttled"
	EventPasswordChanged EventKind = "password-changed"
	EventSessionRevoked  EventKind = "session-revoked"
)

// Event is one security event, for [Config.Audit]. It never holds a
// password, a password hash or a session ID.
type Event struct {
	Kind     EventKind
	UserID   string // "" when the name matched no user
	UserName string // as typed, for sign-in-failed and throttled
	ClientIP netip.Addr
	At       time.Time
	Detail   string // e.g. how many sessions were revoked
}

// LogEvent is the default [Config.Audit]: it logs e at level Info with
// log/slog's default logger.
func LogEvent(ctx context.Context, e Event) {
	slog.InfoContext(ctx, "auth: "+string(e.Kind),
		"kind", string(e.Kind),
		"user", e.UserName,
		"user_id", e.UserID,
		"ip", e.ClientIP.String(),
		"detail", e.Detail,
	)
}

// emit sends an event about u to the audit hook; r may be nil for events
// that do not come from a request.
func (a *Auth) emit(ctx context.Context, r *http.Request, kind EventKind, u User, detail string) {
	e := Event{Kind: kind, UserID: u.ID, UserName: u.Name, At: time.Now(), Detail: detail}
	if r != nil {
		e.ClientIP = a.ClientIP(r)
	}
	a.audit(ctx, e)
}
