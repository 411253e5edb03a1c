package latch

import "fmt"

// Get returns the value under key as a T: exactly the Go value that was
// stored (see [Session.Set] for the types). It returns [ErrNoValue] when
// the key is absent and a [*TypeError] when the value is not a T. A T of
// int takes a stored int64 that fits.
func Get[T any](s *Session, key string) (T, error) {
	var zero T
	v, err := s.Get(key)
	if err != nil {
		return zero, err
	}
	if t, ok := v.(T); ok {
		return t, nil
	}
	if n, ok := v.(int64); ok {
		if p, ok := any(&zero).(*int); ok && int64(int(n)) == n {
			*p = int(n)
			return zero, nil
		}
	}
	return zero, &TypeError{Key: key, Want: fmt.Sprintf("%T", zero), Got: fmt.Sprintf("%T", v)}
}
