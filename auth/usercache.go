package auth

import (
	"context"
	"sync"
	"time"
)

// DefaultUserCacheSize is the number of users a user cache holds when
// [Config.UserCacheSize] is 0.
const DefaultUserCacheSize = 10_000

// userCache keeps users fetched by ID for a while, so that signed-in
// requests need not ask the user store each time. It is safe for
// concurrent use.
type userCache struct {
	ttl time.Duration
	max int
	now func() time.Time // time.Now; tests replace it

	mu      sync.Mutex
	entries map[string]cachedUser
	gen     uint64 // bumped by forget; see get and put
}

type cachedUser struct {
	u       User
	expires time.Time
}

func newUserCache(ttl time.Duration, size int) *userCache {
	return &userCache{ttl: ttl, max: size, now: time.Now, entries: map[string]cachedUser{}}
}

// get returns the user cached under id, if it was fetched less than ttl
// ago; else the generation to hand to put with the user fetched from the
// store.
func (c *userCache) get(id string) (u User, ok bool, gen uint64) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	if ok && now.Before(e.expires) {
		return e.u, true, c.gen
	}
	return User{}, false, c.gen
}

// put caches u, fetched from the store after get returned gen, unless a
// user was forgotten since: that user may have been fetched before its
// change and must not be kept. When the cache is full, put drops the
// expired entries, or all of them when that frees less than half: each
// full pass over the map is followed by at least max/2 cheap puts.
func (c *userCache) put(u User, gen uint64) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if _, ok := c.entries[u.ID]; !ok && len(c.entries) >= c.max {
		c.evict(now)
	}
	c.entries[u.ID] = cachedUser{u: u, expires: now.Add(c.ttl)}
}

// evict makes room; c.mu is held.
func (c *userCache) evict(now time.Time) {
	for id, e := range c.entries {
		if !now.Before(e.expires) {
			delete(c.entries, id)
		}
	}
	if len(c.entries) > c.max/2 {
		clear(c.entries)
	}
}

// forget drops the user with ID id, after a change to it.
func (c *userCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, id)
	c.gen++
}

// userByID returns the user with ID id, and whether it came from the
// cache: a cached copy unless fresh is set or there is none, else a read
// of the store, which is then cached.
func (a *Auth) userByID(ctx context.Context, id string, fresh bool) (User, bool, error) {
	if a.cache == nil {
		u, err := a.users.UserByID(ctx, id)
		return u, false, err
	}
	u, ok, gen := a.cache.get(id)
	if ok && !fresh {
		return u, true, nil
	}
	u, err := a.users.UserByID(ctx, id)
	if err == nil {
		a.cache.put(u, gen)
	}
	return u, false, err
}

// forgettingUsers is the Users of an Auth with a user cache: each change
// of a user made through it (by ChangePassword, SetPassword, the upgrade
// of a hash, or a caller of [Auth.Users]) drops that user from the cache.
type forgettingUsers struct {
	Users
	cache *userCache
}

func (f forgettingUsers) SetPasswordHash(ctx context.Context, id, hash string) error {
	// Forgotten even on failure: the change may have happened anyway (a
	// timeout after the commit).
	defer f.cache.forget(id)
	return f.Users.SetPasswordHash(ctx, id, hash)
}

func (f forgettingUsers) SetActive(ctx context.Context, id string, active bool) error {
	defer f.cache.forget(id)
	return f.Users.SetActive(ctx, id, active)
}
