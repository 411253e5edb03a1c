package auth

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/latchgo/latch"
)

// SessionInfo describes one live session of a user, for the "your
// sessions" page and `latch sessions list`. It never holds the session ID.
type SessionInfo struct {
	Handle    string    // opaque name for Revoke; see [latch.Handle]
	Created   time.Time // when the session began
	SignedIn  time.Time // when the user signed in to it
	LastSeen  time.Time // its last request, to within a minute
	Expires   time.Time // when it ends unless used
	IP        string    // client address at sign-in
	UserAgent string    // User-Agent at sign-in
	Current   bool      // the session of the request that asked
}

// Sessions returns the live sessions of the request's user, newest
// first, with the request's own marked Current. It needs the store's
// [latch.UserIndex], and reads the index, never a scan; without the index
// the error wraps [latch.ErrNotSupported].
func (a *Auth) Sessions(r *http.Request) ([]SessionInfo, error) {
	u, err := a.user(r)
	if err != nil {
		return nil, err
	}
	key, err := latch.FromContext(r.Context()).Key()
	if err != nil {
		return nil, err
	}
	infos, err := a.UserSessions(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	for i := range infos {
		infos[i].Current = key != "" && infos[i].Handle == latch.Handle(key)
	}
	return infos, nil
}

// UserSessions returns the live sessions of the user with ID userID,
// newest first, for operators' tools. Sessions signed in under an older
// password, which count as anonymous, are left out.
func (a *Auth) UserSessions(ctx context.Context, userID string) ([]SessionInfo, error) {
	recs, err := a.userRecords(ctx, userID)
	if err != nil {
		return nil, err
	}
	u, err := a.users.UserByID(ctx, userID)
	if err != nil {
		return nil, usersErr("find user", err)
	}
	want := authHash(u.PasswordHash)
	infos := make([]SessionInfo, 0, len(recs))
	for _, rec := range recs {
		info, err := latch.Inspect(rec)
		if err != nil {
			slog.WarnContext(ctx, "auth: skipping an undecodable session", "handle", latch.Handle(rec.Key), "err", err)
			continue
		}
		if h, _ := info.Values[SessionAuthHash].(string); h != want {
			continue
		}
		infos = append(infos, sessionInfo(info))
	}
	slices.SortFunc(infos, func(a, b SessionInfo) int {
		return cmp.Or(b.Created.Compare(a.Created), cmp.Compare(a.Handle, b.Handle))
	})
	return infos, nil
}

// sessionInfo picks what the sessions page shows from a decoded session.
func sessionInfo(info latch.Info) SessionInfo {
	ip, _ := info.Values[SessionIP].(string)
	ua, _ := info.Values[SessionUserAgent].(string)
	at, _ := info.Values[SessionAt].(time.Time)
	return SessionInfo{
		Handle:    info.Handle,
		Created:   info.Created,
		SignedIn:  at,
		LastSeen:  info.LastActive,
		Expires:   info.Expires,
		IP:        ip,
		UserAgent: ua,
	}
}

// Revoke ends the session named by handle, which must be one of the
// request's user's live sessions, else [ErrNoSuchSession]. Revoking the
// request's own session signs it out.
func (a *Auth) Revoke(r *http.Request, handle string) error {
	ctx := r.Context()
	u, err := a.user(r)
	if err != nil {
		return err
	}
	recs, err := a.userRecords(ctx, u.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(recs, func(rec latch.Record) bool { return latch.Handle(rec.Key) == handle })
	if i < 0 {
		return ErrNoSuchSession
	}
	s := latch.FromContext(ctx)
	key, err := s.Key()
	if err != nil {
		return err
	}
	if recs[i].Key == key {
		err = s.Destroy()
		setCurrent(ctx, User{}, false)
	} else {
		err = a.deleteSession(ctx, recs[i].Key)
	}
	if err != nil {
		return err
	}
	a.emit(ctx, r, EventSessionRevoked, u, "1 session")
	return nil
}

// RevokeOthers ends every session of the request's user but this one, and
// reports how many it ended.
func (a *Auth) RevokeOthers(r *http.Request) (int, error) {
	ctx := r.Context()
	u, err := a.user(r)
	if err != nil {
		return 0, err
	}
	key, err := latch.FromContext(ctx).Key()
	if err != nil {
		return 0, err
	}
	n, err := a.deleteUserSessions(ctx, u.ID, key)
	if err != nil {
		return n, err
	}
	a.emit(ctx, r, EventSessionRevoked, u, strconv.Itoa(n)+" other sessions")
	return n, nil
}

// RevokeUser ends every session of the user with ID userID, for
// operators' tools, and reports how many it ended.
func (a *Auth) RevokeUser(ctx context.Context, userID string) (int, error) {
	n, err := a.deleteUserSessions(ctx, userID, "")
	if err != nil {
		return n, err
	}
	a.emit(ctx, nil, EventSessionRevoked, User{ID: userID}, strconv.Itoa(n)+" sessions")
	return n, nil
}

// index returns the store's per-user index.
func (a *Auth) index() (latch.UserIndex, error) {
	idx, ok := a.sessions.Store().(latch.UserIndex)
	if !ok {
		return nil, fmt.Errorf("auth: listing a user's sessions: %w", latch.ErrNotSupported)
	}
	return idx, nil
}

// userRecords returns the live records of userID through the index.
func (a *Auth) userRecords(ctx context.Context, userID string) ([]latch.Record, error) {
	idx, err := a.index()
	if err != nil {
		return nil, err
	}
	ctx, cancel := a.storeCtx(ctx)
	defer cancel()
	recs, err := idx.UserSessions(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("%w: list user sessions: %w", latch.ErrUnavailable, err)
	}
	return recs, nil
}

// deleteSession deletes one record from the session store.
func (a *Auth) deleteSession(ctx context.Context, key string) error {
	ctx, cancel := a.storeCtx(ctx)
	defer cancel()
	if err := a.sessions.Store().Delete(ctx, key); err != nil {
		return fmt.Errorf("%w: delete session: %w", latch.ErrUnavailable, err)
	}
	return nil
}

// storeCtx bounds a direct call to the session store as the engine does.
func (a *Auth) storeCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, a.sessions.Config().StoreTimeout)
}
