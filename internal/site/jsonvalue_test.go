package site

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeValue(t *testing.T) {
	tests := []struct {
		name string
		body string
		want any
		err  error
	}{
		{"integer is int64", `42`, int64(42), nil},
		{"negative integer", `-7`, int64(-7), nil},
		{"fraction is float64", `2.5`, 2.5, nil},
		{"integral exponent is int64", `1e3`, int64(1000), nil},
		{"beyond int64 is float64", `1e300`, 1e300, nil},
		{"huge exponent is refused", `1e400`, nil, errNumber},
		{"string", `"héllo"`, "héllo", nil},
		{"null", `null`, nil, nil},
		{"nested numbers converted", `{"a":[1,{"b":2.5}]}`, map[string]any{"a": []any{int64(1), map[string]any{"b": 2.5}}}, nil},
		{"surrounding whitespace", " \n true \t", true, nil},
		{"trailing data", `{"a":1} {"b":2}`, nil, errNotJSON},
		{"trailing garbage", `1 x`, nil, errNotJSON},
		{"empty body", ``, nil, errNotJSON},
		{"not JSON", `hello`, nil, errNotJSON},
		{"invalid UTF-8", "\"\xff\"", nil, errInvalidUTF8},
		{"32 levels", strings.Repeat("[", 32) + strings.Repeat("]", 32), nest(32), nil},
		{"33 levels", strings.Repeat("[", 33) + strings.Repeat("]", 33), nil, errTooDeep},
		{"a million brackets", strings.Repeat("[", 1_000_000), nil, errTooDeep},
		{"brackets in strings do not count", `"` + strings.Repeat("[", 100) + `"`, strings.Repeat("[", 100), nil},
		{"escaped quote in string", `["\"[[[[", 1]`, []any{`"[[[[`, int64(1)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeValue([]byte(tt.body))
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err == nil && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

// nest returns n levels of empty nested arrays.
func nest(n int) any {
	var v any = []any{}
	for range n - 1 {
		v = []any{v}
	}
	return v
}

func TestJSONDepth(t *testing.T) {
	for body, want := range map[string]int{
		`1`:                0,
		`[]`:               1,
		`{"a":[{}]}`:       3,
		`[[],[[]]]`:        3,
		`"\\"`:             0,
		`["\\\"[", [[1]]]`: 3,
	} {
		if got := jsonDepth([]byte(body)); got != want {
			t.Errorf("jsonDepth(%s) = %d, want %d", body, got, want)
		}
	}
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[string]string{
		"336h": "14 days", "15m": "15 minutes", "14m30s": "15 minutes", "1s": "1 second", "90s": "2 minutes", "500ms": "1 second",
	} {
		if got := humanDuration(mustDuration(t, d)); got != want {
			t.Errorf("humanDuration(%s) = %q, want %q", d, got, want)
		}
	}
}
