package auth

import "time"

// SetUserCacheClock makes the user cache of a read the time from now.
// Call it before a serves any request.
func SetUserCacheClock(a *Auth, now func() time.Time) { a.cache.now = now }
