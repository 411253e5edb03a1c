package latch

import "time"

// Info describes a stored session, for operators' tools and for pages that
// list a user's sessions. It never holds the session ID.
type Info struct {
	Key        string // the store key
	Handle     string // a public name for the session; see [Handle]
	UserID     string
	Created    time.Time
	LastActive time.Time
	Expires    time.Time // the server-side deadline
	Values     map[string]any
}

// Inspect decodes a record read from a store.
func Inspect(rec Record) (Info, error) {
	h, values, err := decode(rec.Data)
	if err != nil {
		return Info{}, err
	}
	return Info{
		Key:        rec.Key,
		Handle:     Handle(rec.Key),
		UserID:     rec.UserID,
		Created:    h.created,
		LastActive: h.lastActive,
		Expires:    rec.Deadline,
		Values:     values,
	}, nil
}
