package site

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeValue checks that the API's body decoder never panics, and
// that what it accepts is valid JSON within the depth limit.
func FuzzDecodeValue(f *testing.F) {
	for _, s := range []string{`1`, `"x"`, `{"a":[1,2.5,null]}`, `[[[[]]]]`, `1 2`, "\xff", `{"a":"\u0000"}`, `9e999`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := decodeValue(body)
		if err != nil {
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted invalid JSON %q", body)
		}
		if jsonDepth(body) > maxDepth {
			t.Fatalf("accepted %q, deeper than %d", body, maxDepth)
		}
		if _, err := json.Marshal(v); err != nil {
			t.Fatalf("accepted %q, which does not marshal back: %v", body, err)
		}
	})
}
