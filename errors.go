package latch

import (
	"errors"
	"fmt"
	"net/http"
)

// Errors of the session API.
var (
	// ErrNoValue means the session holds no value under the key.
	ErrNoValue = errors.New("latch: no value under that key")

	// ErrTooLarge means the encoded session would exceed [Config.MaxSize].
	ErrTooLarge = errors.New("latch: session too large")

	// ErrTooDeep means a value nests lists and maps too deeply to store.
	ErrTooDeep = errors.New("latch: value nested too deeply")

	// ErrUnsupportedType means Set was given a value of a type the session
	// cannot store exactly. See [Session.Set] for the types it can.
	ErrUnsupportedType = errors.New("latch: unsupported value type")

	// ErrUnavailable wraps every failure of the store, so that handlers can
	// answer 503 and ask the client to retry. See [HTTPStatus].
	ErrUnavailable = errors.New("latch: session store unavailable")

	// ErrNoSession is what [FromContext] panics with outside
	// [Manager.Handler]: a wiring mistake.
	ErrNoSession = errors.New("latch: no session in context; wrap the handler with Manager.Handler")
)

// TypeError is returned by [Get] when the stored value has another type
// than the one asked for.
type TypeError struct {
	Key  string
	Want string
	Got  string
}

func (e *TypeError) Error() string {
	return fmt.Sprintf("latch: value %q is %s, not %s", e.Key, e.Got, e.Want)
}

// unavailable wraps a store failure with the operation and ErrUnavailable.
func unavailable(op string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrUnavailable, op, err)
}

// HTTPStatus returns the status that answers err: 503 when the store is
// unavailable, 413 when the session is too large, 500 otherwise.
func HTTPStatus(err error) int {
	switch {
	case errors.Is(err, ErrUnavailable):
		return http.StatusServiceUnavailable
	case errors.Is(err, ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// DefaultErrorHandler answers err with its [HTTPStatus] and a short plain
// text message; a 503 carries Retry-After so that clients come back.
func DefaultErrorHandler(w http.ResponseWriter, r *http.Request, err error) {
	status := HTTPStatus(err)
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	http.Error(w, http.StatusText(status), status)
}
