package latch

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestCodecRoundTrip(t *testing.T) {
	h := header{
		created:    time.Unix(1700000000, 5),
		lastActive: time.Unix(1700000100, 7),
		expiry:     ExpireAfter(time.Hour),
	}
	values := map[string]any{
		"s": "x", "i": int64(-3), "f": 1.5, "b": []byte{}, "t": time.Unix(5, 6).UTC(),
		"l": []any{nil, true, false}, "m": map[string]any{"k": []string{"v"}},
		"sm": map[string]string{"": ""},
	}
	b := encode(nil, h, values)
	h2, v2, err := decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !h2.created.Equal(h.created) || !h2.lastActive.Equal(h.lastActive) || h2.expiry != h.expiry {
		t.Errorf("header = %+v, want %+v", h2, h)
	}
	if !reflect.DeepEqual(v2, values) {
		t.Errorf("values = %#v, want %#v", v2, values)
	}
	for k, v := range values {
		if got, want := len(appendValue(nil, v)), valueSize(v); got > want {
			t.Errorf("%s: encoded %d bytes, size estimate %d", k, got, want)
		}
	}
}

func TestDecodeRejectsCorruptInput(t *testing.T) {
	good := encode(nil, header{created: time.Unix(1, 0), lastActive: time.Unix(1, 0)}, map[string]any{"k": []any{"v"}})
	cases := map[string][]byte{
		"empty":          nil,
		"unknown format": {9},
		"truncated":      good[:len(good)-1],
		"trailing":       append(append([]byte{}, good...), 0),
		"huge count":     append(append([]byte{}, good[:len(good)-8]...), 0xff, 0xff, 0xff, 0xff, 0x0f),
	}
	for name, b := range cases {
		if _, _, err := decode(b); !errors.Is(err, errCorrupt) {
			t.Errorf("%s: err = %v, want errCorrupt", name, err)
		}
	}
}

// FuzzDecode feeds arbitrary bytes to the record decoder: it must return an
// error or values that encode back to an equivalent record, never panic.
func FuzzDecode(f *testing.F) {
	f.Add(encode(nil, header{created: time.Unix(1, 0), lastActive: time.Unix(2, 0)}, map[string]any{
		"a": "b", "n": int64(1), "l": []any{map[string]any{"x": 1.5}}, "t": time.Unix(3, 0),
	}))
	f.Add([]byte{1, 0, 0, 0, 1, 1, 'k', byte(tagList), 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, values, err := decode(b)
		if err != nil {
			return
		}
		again := encode(nil, h, values)
		h2, v2, err := decode(again)
		if err != nil {
			t.Fatalf("re-encoded record does not decode: %v", err)
		}
		if len(v2) != len(values) || h2.expiry.kind != h.expiry.kind {
			t.Fatalf("round trip changed the record")
		}
	})
}

// FuzzValidID checks that every string the cookie parser accepts is one
// that newID could have issued, byte for byte.
func FuzzValidID(f *testing.F) {
	f.Add(newID())
	f.Add("")
	f.Add("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB")
	f.Fuzz(func(t *testing.T, s string) {
		if !validID(s) {
			return
		}
		if len(s) != idLen {
			t.Fatalf("accepted %q of length %d", s, len(s))
		}
		if KeyOf(s) == "" || Handle(KeyOf(s)) == "" {
			t.Fatal("no key or handle")
		}
	})
}

func TestNewIDIsValidAndUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := newID()
		if !validID(id) || seen[id] {
			t.Fatalf("newID gave %q: invalid or repeated", id)
		}
		seen[id] = true
	}
}
