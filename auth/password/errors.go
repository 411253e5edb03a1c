package password

import "errors"

// ErrMalformed reports a stored hash that cannot be parsed, uses an
// unsupported algorithm or version, or carries parameters beyond the limits
// this package accepts (so that one poisoned row cannot tie up a server).
// It is always wrapped with the detail; test for it with [errors.Is].
var ErrMalformed = errors.New("password: malformed hash")

// ErrBusy reports that a hash operation was refused because too many were
// running and waiting already, because the wait exceeded
// [Options.QueueTimeout], or because the context ended while waiting.
// A server should answer 503 Service Unavailable.
var ErrBusy = errors.New("password: too many concurrent hash operations; try again")
