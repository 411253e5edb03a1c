package auth_test

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth"
	"github.com/latchgo/latch/memstore"
)

// countingUsers counts the calls of UserByID, which fail while down is
// set.
type countingUsers struct {
	auth.Users
	byID atomic.Int64
	down atomic.Bool
}

func (c *countingUsers) UserByID(ctx context.Context, id string) (auth.User, error) {
	c.byID.Add(1)
	if c.down.Load() {
		return auth.User{}, errDown
	}
	return c.Users.UserByID(ctx, id)
}

// noIndex hides the session store's latch.UserIndex, as a store without
// one would: sessions are then ended only by their auth hash.
type noIndex struct{ latch.Store }

// fakeClock is a settable clock for the user cache.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// cacheSite is a site with a user cache of ttl on a fake clock, whose
// user store counts its look-ups by ID.
type cacheSite struct {
	*site
	count *countingUsers
	clock *fakeClock
}

// newCacheSite returns a cacheSite over store and users, which other
// cacheSites may share as other instances would; when index is false the
// session store's index is hidden.
func newCacheSite(t *testing.T, ttl time.Duration, store *flakyStore, users *auth.MemoryUsers, index bool) *cacheSite {
	t.Helper()
	var s latch.Store = store
	if !index {
		s = noIndex{store}
	}
	m, err := latch.New(s, latch.Config{})
	if err != nil {
		t.Fatal(err)
	}
	cs := &cacheSite{
		site:  &site{t: t, store: store, users: users, events: &events{}},
		count: &countingUsers{Users: users},
		clock: &fakeClock{now: time.Now()},
	}
	cs.auth, err = auth.New(auth.Config{Sessions: m, Users: cs.count, Hasher: fastHasher(t), Audit: cs.events.record, UserCacheTTL: ttl})
	if err != nil {
		t.Fatal(err)
	}
	if ttl > 0 {
		auth.SetUserCacheClock(cs.auth, cs.clock.Now)
	}
	cs.h = m.Handler(cs.auth.Middleware(auth.CrossOrigin(cs.routes())))
	return cs
}

// newCachedAlice returns a cacheSite over fresh stores, with alice.
func newCachedAlice(t *testing.T, ttl time.Duration, index bool) *cacheSite {
	t.Helper()
	store := &flakyStore{Store: memstore.New()}
	t.Cleanup(func() { store.Close() })
	cs := newCacheSite(t, ttl, store, auth.NewMemoryUsers(), index)
	if _, err := cs.auth.CreateUser(context.Background(), "alice", "correct horse"); err != nil {
		t.Fatal(err)
	}
	return cs
}

// lookups returns the look-ups by ID so far and resets the count.
func (cs *cacheSite) lookups() int64 { return cs.count.byID.Swap(0) }

func (cs *cacheSite) alice() auth.User {
	cs.t.Helper()
	u, err := cs.users.UserByName(context.Background(), "alice")
	if err != nil {
		cs.t.Fatal(err)
	}
	return u
}

func TestUserCache(t *testing.T) {
	const ttl = time.Minute
	ctx := context.Background()

	t.Run("off by default: every request reads the user", func(t *testing.T) {
		cs := newCachedAlice(t, 0, true)
		id := cs.login("", "correct horse")
		cs.lookups()
		for range 3 {
			cs.signedIn(id)
		}
		if n := cs.lookups(); n != 3 {
			t.Errorf("%d look-ups for 3 requests, want 3", n)
		}
	})

	t.Run("a hit asks no store", func(t *testing.T) {
		cs := newCachedAlice(t, ttl, true)
		id := cs.login("", "correct horse")
		cs.lookups()
		for range 5 {
			if !cs.signedIn(id) {
				t.Fatal("not signed in")
			}
		}
		if n := cs.lookups(); n != 1 {
			t.Errorf("%d look-ups for 5 requests, want 1", n)
		}
	})

	t.Run("a user older than the TTL is read again", func(t *testing.T) {
		cs := newCachedAlice(t, ttl, true)
		id := cs.login("", "correct horse")
		cs.signedIn(id)
		cs.lookups()
		cs.clock.Advance(ttl - time.Nanosecond)
		cs.signedIn(id)
		if n := cs.lookups(); n != 0 {
			t.Errorf("%d look-ups within the TTL, want 0", n)
		}
		cs.clock.Advance(time.Nanosecond)
		cs.signedIn(id)
		cs.signedIn(id)
		if n := cs.lookups(); n != 1 {
			t.Errorf("%d look-ups after the TTL, want 1", n)
		}
	})

	t.Run("deactivation by another process is seen after the TTL", func(t *testing.T) {
		cs := newCachedAlice(t, ttl, true)
		id := cs.login("", "correct horse")
		cs.signedIn(id)
		cs.users.SetActive(ctx, cs.alice().ID, false) // the store itself, not through auth
		if !cs.signedIn(id) {
			t.Error("signed out within the TTL: was the cache asked?")
		}
		cs.clock.Advance(ttl)
		if cs.signedIn(id) {
			t.Error("a deactivated user is still signed in after the TTL")
		}
	})

	t.Run("deactivation through Auth.Users is seen at once", func(t *testing.T) {
		cs := newCachedAlice(t, ttl, true)
		id := cs.login("", "correct horse")
		cs.signedIn(id)
		if err := cs.auth.Users().SetActive(ctx, cs.alice().ID, false); err != nil {
			t.Fatal(err)
		}
		if cs.signedIn(id) {
			t.Error("a user deactivated through Auth.Users is still signed in")
		}
	})

	t.Run("ChangePassword drops the user", func(t *testing.T) {
		// Without the index, the other session is ended only by its auth
		// hash, which a cached user would still match.
		cs := newCachedAlice(t, ttl, false)
		laptop := cs.login("", "correct horse")
		phone := cs.login("", "correct horse")
		cs.signedIn(laptop)
		cs.signedIn(phone)
		resp := cs.do("POST", "/password", laptop, url.Values{"old": {"correct horse"}, "new": {"battery staple"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST /password: status %d", resp.StatusCode)
		}
		// The other session first: the renewed one would read alice afresh.
		if cs.signedIn(phone) {
			t.Error("the other session survived the password change")
		}
		renewed, _ := cookie(resp)
		if !cs.signedIn(renewed) {
			t.Error("the current session did not survive the password change")
		}
	})

	t.Run("SetPassword drops the user", func(t *testing.T) {
		cs := newCachedAlice(t, ttl, false)
		id := cs.login("", "correct horse")
		cs.signedIn(id)
		if err := cs.auth.SetPassword(ctx, "alice", "battery staple"); err != nil {
			t.Fatal(err)
		}
		if cs.signedIn(id) {
			t.Error("a session under the old password is still signed in")
		}
	})

	t.Run("a password changed by another instance signs nobody out", func(t *testing.T) {
		// Two instances share the stores; b caches alice with her old
		// hash, then she changes her password on a and goes on on b.
		a := newCachedAlice(t, ttl, true)
		b := newCacheSite(t, ttl, a.store, a.users, true)
		id := a.login("", "correct horse")
		if !b.signedIn(id) {
			t.Fatal("not signed in on b")
		}
		resp := a.do("POST", "/password", id, url.Values{"old": {"correct horse"}, "new": {"battery staple"}})
		renewed, _ := cookie(resp)
		if renewed == "" {
			t.Fatalf("POST /password: status %d, no new session", resp.StatusCode)
		}
		if !b.signedIn(renewed) {
			t.Error("b signed out the session renewed by the password change on a")
		}
		b.lookups()
		if !b.signedIn(renewed) || b.lookups() != 0 {
			t.Error("b did not cache the fresh user")
		}
	})

	t.Run("a user store failure after the TTL is 503, not a sign-out", func(t *testing.T) {
		cs := newCachedAlice(t, ttl, true)
		id := cs.login("", "correct horse")
		cs.signedIn(id)
		cs.count.down.Store(true)
		if !cs.signedIn(id) {
			t.Error("a cached user was not served while the user store is down")
		}
		cs.clock.Advance(ttl)
		if resp := cs.do("GET", "/", id, nil); resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("status %d, want 503", resp.StatusCode)
		}
		cs.count.down.Store(false)
		if !cs.signedIn(id) {
			t.Error("signed out by a user store failure")
		}
	})
}

func TestUserCacheConfig(t *testing.T) {
	m, err := latch.New(memstore.New(), latch.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []auth.Config{
		{Sessions: m, Users: auth.NewMemoryUsers(), UserCacheTTL: -time.Second},
		{Sessions: m, Users: auth.NewMemoryUsers(), UserCacheSize: -1},
	} {
		if _, err := auth.New(cfg); err == nil {
			t.Errorf("New(TTL %v, size %d) succeeded, want an error", cfg.UserCacheTTL, cfg.UserCacheSize)
		}
	}
}

// TestUserCacheConcurrent runs signed-in requests of several users
// while their users are changed through Auth.Users; run with -race.
func TestUserCacheConcurrent(t *testing.T) {
	cs := newCachedAlice(t, time.Minute, true)
	id := cs.login("", "correct horse")
	aliceID := cs.alice().ID
	var wg sync.WaitGroup
	var bad atomic.Int64
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if resp := cs.do("GET", "/", id, nil); resp.StatusCode != http.StatusOK {
					bad.Add(1)
				}
			}
		})
	}
	wg.Go(func() {
		for range 50 {
			cs.auth.Users().SetActive(context.Background(), aliceID, true)
		}
	})
	wg.Wait()
	if n := bad.Load(); n > 0 {
		t.Errorf("%d of 400 requests not signed in", n)
	}
}
