package throttle

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// A Limiter refuses keys that failed Limit times within Window.
//
// Keys are chosen by the caller and should name what they limit, such as
// "user:alice" and "ip:192.0.2.1"; the caller normalises usernames (case,
// Unicode form) so that one account has one key. A login typically checks
// both keys, records a failure for both when the password is wrong, and
// resets the user key when it is right.
//
// A Limiter is safe for concurrent use if its Store is. Its fields must
// not change once it is in use.
type Limiter struct {
	Store  Store
	Limit  int           // failures allowed within Window; at least 1
	Window time.Duration // length of the sliding window; positive

	// Now returns the current time. Default: time.Now.
	Now func() time.Time
}

// Error reports that a key is throttled. Check returns it as *Error.
type Error struct {
	// RetryAfter is how long until the oldest counted failure leaves the
	// window, rounded up to a whole second and at least one second.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	return fmt.Sprintf("throttle: too many failed attempts; retry after %ds", int64(e.RetryAfter/time.Second))
}

var errInvalid = errors.New("throttle: Limiter needs a Store, Limit ≥ 1 and Window > 0")

// Check returns an *[Error] if any of keys has Limit failures or more
// within the window ending now, with the longest RetryAfter among them, or
// nil if none has. Other errors are the Store's, wrapped.
func (l *Limiter) Check(ctx context.Context, keys ...string) error {
	if err := l.valid(); err != nil {
		return err
	}
	now := l.now()
	throttled, wait := false, time.Duration(0)
	for _, key := range keys {
		times, err := l.Store.Recent(ctx, key, now, l.Window)
		if err != nil {
			return fmt.Errorf("throttle: check %q: %w", key, err)
		}
		if len(times) >= l.Limit {
			throttled = true
			// Below the limit once all but Limit-1 of them have left.
			oldest := times[len(times)-l.Limit]
			wait = max(wait, oldest.Add(l.Window).Sub(now))
		}
	}
	if !throttled {
		return nil
	}
	// Whole seconds, as in a Retry-After header, rounded up so that a
	// client that waits that long is let in.
	wait = (wait + time.Second - 1).Truncate(time.Second)
	return &Error{RetryAfter: max(wait, time.Second)}
}

// Fail records a failure of each of keys at the current time.
func (l *Limiter) Fail(ctx context.Context, keys ...string) error {
	if err := l.valid(); err != nil {
		return err
	}
	now := l.now()
	for _, key := range keys {
		if _, err := l.Store.Add(ctx, key, now, l.Window, l.Limit); err != nil {
			return fmt.Errorf("throttle: record failure of %q: %w", key, err)
		}
	}
	return nil
}

// Reset forgets the failures of key, as after a successful login.
func (l *Limiter) Reset(ctx context.Context, key string) error {
	if err := l.valid(); err != nil {
		return err
	}
	if err := l.Store.Reset(ctx, key); err != nil {
		return fmt.Errorf("throttle: reset %q: %w", key, err)
	}
	return nil
}

func (l *Limiter) valid() error {
	if l.Store == nil || l.Limit < 1 || l.Window <= 0 {
		return errInvalid
	}
	return nil
}

func (l *Limiter) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}
