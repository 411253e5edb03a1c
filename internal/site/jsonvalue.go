package site

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"unicode/utf8"
)

// maxDepth is how deeply a JSON value stored through the API may nest
// arrays and objects.
const maxDepth = 32

// Errors of decodeValue, each answered with 400.
var (
	errInvalidUTF8 = errors.New("body is not valid UTF-8")
	errTooDeep     = errors.New("value nests deeper than 32 levels")
	errNotJSON     = errors.New("body is not one JSON value")
	errNumber      = errors.New("number out of range")
)

// decodeValue decodes body, which must hold exactly one JSON value, into a
// value a session can store: nil, bool, string, int64 (for integral
// numbers that fit), float64, []any and map[string]any.
//
// The depth is checked by a scan before decoding, so that a hostile body
// of a million '[' costs one pass and no stack.
func decodeValue(body []byte) (any, error) {
	if !utf8.Valid(body) {
		return nil, errInvalidUTF8
	}
	if jsonDepth(body) > maxDepth {
		return nil, errTooDeep
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, errNotJSON
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errNotJSON // trailing data
	}
	return convertNumbers(v)
}

// jsonDepth returns the deepest nesting of arrays and objects in b,
// ignoring brackets inside strings. It does not validate b.
func jsonDepth(b []byte) int {
	depth, deepest := 0, 0
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case inString && c == '"':
			inString = false
		case inString:
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}

// convertNumbers replaces every json.Number in v by an int64 when it is
// integral and fits, else by a float64. v nests at most maxDepth levels.
func convertNumbers(v any) (any, error) {
	switch v := v.(type) {
	case json.Number:
		return convertNumber(v)
	case []any:
		for i, e := range v {
			c, err := convertNumbers(e)
			if err != nil {
				return nil, err
			}
			v[i] = c
		}
	case map[string]any:
		for k, e := range v {
			c, err := convertNumbers(e)
			if err != nil {
				return nil, err
			}
			v[k] = c
		}
	}
	return v, nil
}

// maxExactInt is 2^53: every integer of smaller magnitude is exact as a
// float64.
const maxExactInt = 1 << 53

func convertNumber(n json.Number) (any, error) {
	if i, err := n.Int64(); err == nil {
		return i, nil
	}
	f, err := n.Float64()
	if err != nil || math.IsInf(f, 0) {
		return nil, errNumber
	}
	if f == math.Trunc(f) && math.Abs(f) < maxExactInt {
		return int64(f), nil // 1e3, 2.0
	}
	return f, nil
}
