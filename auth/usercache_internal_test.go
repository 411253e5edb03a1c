package auth

import (
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

func TestUserCacheBound(t *testing.T) {
	now := time.Now()
	c := newUserCache(time.Minute, 8)
	c.now = func() time.Time { return now }
	put := func(id string) {
		_, _, gen := c.get(id)
		c.put(User{ID: id}, gen)
	}

	t.Run("never more than the size", func(t *testing.T) {
		for i := range 1000 {
			put(strconv.Itoa(i))
			if n := len(c.entries); n > c.max {
				t.Fatalf("%d entries after %d puts, want at most %d", n, i+1, c.max)
			}
		}
		if _, ok, _ := c.get("999"); !ok {
			t.Error("the newest user is not cached")
		}
	})

	t.Run("expired users go first", func(t *testing.T) {
		clear(c.entries)
		for i := range 5 {
			put("old" + strconv.Itoa(i))
		}
		now = now.Add(time.Minute)
		for i := range 3 {
			put("new" + strconv.Itoa(i))
		}
		put("one more") // full: the 5 expired make room
		if n := len(c.entries); n != 4 {
			t.Errorf("%d entries, want the 3 new and one more", n)
		}
		for _, id := range []string{"new0", "new2", "one more"} {
			if _, ok, _ := c.get(id); !ok {
				t.Errorf("%s was dropped", id)
			}
		}
	})

	t.Run("all go when the expired free less than half", func(t *testing.T) {
		clear(c.entries)
		put("old")
		now = now.Add(time.Minute)
		for i := range c.max - 1 {
			put(strconv.Itoa(i))
		}
		put("one more")
		if n := len(c.entries); n != 1 {
			t.Errorf("%d entries, want only the one put after clearing", n)
		}
	})

	t.Run("refreshing a cached user needs no room", func(t *testing.T) {
		clear(c.entries)
		for i := range c.max {
			put(strconv.Itoa(i))
		}
		put("0")
		if n := len(c.entries); n != c.max {
			t.Errorf("%d entries, want %d", n, c.max)
		}
	})
}

func TestUserCacheForgetBeatsSlowFill(t *testing.T) {
	c := newUserCache(time.Minute, 8)
	_, _, gen := c.get("u") // a request starts reading u
	c.forget("u")           // u changes meanwhile
	c.put(User{ID: "u", PasswordHash: "old"}, gen)
	if _, ok, _ := c.get("u"); ok {
		t.Error("a user read before its change was cached after it")
	}
}

// BenchmarkUserCacheHit measures a hit from every P at once, to show
// the lock's contention.
func BenchmarkUserCacheHit(b *testing.B) {
	c := newUserCache(time.Hour, DefaultUserCacheSize)
	for i := range 100 {
		c.put(User{ID: strconv.Itoa(i)}, 0)
	}
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		id := strconv.Itoa(int(next.Add(1)) % 100)
		for pb.Next() {
			if _, ok, _ := c.get(id); !ok {
				b.Fatal("miss")
			}
		}
	})
}
