package latch

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// The encoded session is a header and the values, in a compact binary form
// that keeps every supported Go type exactly:
//
//	format byte (1) | created | last active | expiry | count | count × (key, value)
//
// Integers are varints; strings and byte slices are length-prefixed; each
// value starts with a tag byte.
const formatV1 = 1

// maxDepth bounds the nesting of lists and maps, in encoding and decoding.
const maxDepth = 64

const (
	tagNil byte = iota
	tagFalse
	tagTrue
	tagInt
	tagFloat
	tagString
	tagBytes
	tagTime
	tagList
	tagMap
	tagStrings
	tagStringMap
)

// errCorrupt is wrapped by every decoding error.
var errCorrupt = errors.New("latch: corrupt session record")

// header is the part of an encoded session that the engine keeps for itself.
type header struct {
	created    time.Time
	lastActive time.Time
	expiry     Expiry
}

// normalize returns v as one of the types the codec stores, converting the
// other integer types to int64, or an error naming the unsupported type.
func normalize(v any, depth int) (any, error) {
	if depth > maxDepth {
		return nil, ErrTooDeep
	}
	switch x := v.(type) {
	case nil, bool, int64, float64, string, []byte, []string, map[string]string:
		return v, nil
	case time.Time:
		return x.Round(0), nil
	case int:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case float32:
		return float64(x), nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			n, err := normalize(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			n, err := normalize(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = n
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: %T", ErrUnsupportedType, v)
}

// entrySize is the encoded size of one key and its (normalized) value.
func entrySize(key string, v any) int {
	return uvarintLen(uint64(len(key))) + len(key) + valueSize(v)
}

func valueSize(v any) int {
	switch x := v.(type) {
	case int64:
		return 1 + varintLen(x)
	case float64:
		return 9
	case string:
		return 1 + uvarintLen(uint64(len(x))) + len(x)
	case []byte:
		return 1 + uvarintLen(uint64(len(x))) + len(x)
	case time.Time:
		return 1 + 1 + 15 // tag, length, MarshalBinary's 15 bytes (16 with seconds)
	case []any:
		n := 1 + uvarintLen(uint64(len(x)))
		for _, e := range x {
			n += valueSize(e)
		}
		return n
	case map[string]any:
		n := 1 + uvarintLen(uint64(len(x)))
		for k, e := range x {
			n += uvarintLen(uint64(len(k))) + len(k) + valueSize(e)
		}
		return n
	case []string:
		n := 1 + uvarintLen(uint64(len(x)))
		for _, e := range x {
			n += uvarintLen(uint64(len(e))) + len(e)
		}
		return n
	case map[string]string:
		n := 1 + uvarintLen(uint64(len(x)))
		for k, e := range x {
			n += uvarintLen(uint64(len(k))) + len(k) + uvarintLen(uint64(len(e))) + len(e)
		}
		return n
	}
	return 1 // nil, bool
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

func varintLen(x int64) int {
	ux := uint64(x) << 1
	if x < 0 {
		ux = ^ux
	}
	return uvarintLen(ux)
}

// encode appends the encoded session to b.
func encode(b []byte, h header, values map[string]any) []byte {
	b = append(b, formatV1)
	b = binary.AppendVarint(b, h.created.UnixNano())
	b = binary.AppendVarint(b, h.lastActive.UnixNano())
	b = append(b, byte(h.expiry.kind))
	switch h.expiry.kind {
	case expireAfter:
		b = binary.AppendVarint(b, int64(h.expiry.d))
	case expireAt:
		b = binary.AppendVarint(b, h.expiry.t.UnixNano())
	}
	b = binary.AppendUvarint(b, uint64(len(values)))
	for k, v := range values {
		b = appendString(b, k)
		b = appendValue(b, v)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, tagNil)
	case bool:
		if x {
			return append(b, tagTrue)
		}
		return append(b, tagFalse)
	case int64:
		return binary.AppendVarint(append(b, tagInt), x)
	case float64:
		return binary.LittleEndian.AppendUint64(append(b, tagFloat), math.Float64bits(x))
	case string:
		return appendString(append(b, tagString), x)
	case []byte:
		b = binary.AppendUvarint(append(b, tagBytes), uint64(len(x)))
		return append(b, x...)
	case time.Time:
		t, err := x.MarshalBinary()
		if err != nil { // a zone offset that is not whole minutes
			t, _ = x.UTC().MarshalBinary()
		}
		b = binary.AppendUvarint(append(b, tagTime), uint64(len(t)))
		return append(b, t...)
	case []any:
		b = binary.AppendUvarint(append(b, tagList), uint64(len(x)))
		for _, e := range x {
			b = appendValue(b, e)
		}
		return b
	case map[string]any:
		b = binary.AppendUvarint(append(b, tagMap), uint64(len(x)))
		for k, e := range x {
			b = appendValue(appendString(b, k), e)
		}
		return b
	case []string:
		b = binary.AppendUvarint(append(b, tagStrings), uint64(len(x)))
		for _, e := range x {
			b = appendString(b, e)
		}
		return b
	case map[string]string:
		b = binary.AppendUvarint(append(b, tagStringMap), uint64(len(x)))
		for k, e := range x {
			b = appendString(appendString(b, k), e)
		}
		return b
	}
	panic(fmt.Sprintf("latch: encode: unnormalized %T", v)) // Set normalizes every value
}

// decoder reads an encoded session. Every read checks the remaining length,
// so that corrupt or hostile input gives an error, never a panic or a huge
// allocation.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: bad %s", errCorrupt, what)
	}
	d.b = nil
}

func (d *decoder) byte(what string) byte {
	if len(d.b) < 1 {
		d.fail(what)
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) varint(what string) int64 {
	x, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail(what)
		return 0
	}
	d.b = d.b[n:]
	return x
}

// count reads a length that announces at least min bytes per element.
func (d *decoder) count(what string, min int) int {
	x, n := binary.Uvarint(d.b)
	if n <= 0 || x > uint64(len(d.b)-n)/uint64(min) {
		d.fail(what)
		return 0
	}
	d.b = d.b[n:]
	return int(x)
}

func (d *decoder) bytes(what string) []byte {
	n := d.count(what, 1)
	if d.err != nil {
		return nil
	}
	p := d.b[:n:n]
	d.b = d.b[n:]
	return p
}

func (d *decoder) string(what string) string { return string(d.bytes(what)) }

// decode parses an encoded session.
func decode(b []byte) (header, map[string]any, error) {
	d := decoder{b: b}
	var h header
	if d.byte("format") != formatV1 {
		return h, nil, fmt.Errorf("%w: unknown format", errCorrupt)
	}
	h.created = time.Unix(0, d.varint("created"))
	h.lastActive = time.Unix(0, d.varint("last active"))
	h.expiry.kind = expiryKind(d.byte("expiry"))
	switch h.expiry.kind {
	case expireDefault, expireOnClose:
	case expireAfter:
		h.expiry.d = time.Duration(d.varint("expiry"))
	case expireAt:
		h.expiry.t = time.Unix(0, d.varint("expiry"))
	default:
		d.fail("expiry")
	}
	n := d.count("count", 2)
	values := make(map[string]any, n)
	for i := 0; i < n && d.err == nil; i++ {
		k := d.string("key")
		values[k] = d.value(0)
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail("trailing bytes")
	}
	return h, values, d.err
}

func (d *decoder) value(depth int) any {
	if depth > maxDepth {
		d.fail("nesting")
		return nil
	}
	switch tag := d.byte("tag"); tag {
	case tagNil:
		return nil
	case tagFalse:
		return false
	case tagTrue:
		return true
	case tagInt:
		return d.varint("int")
	case tagFloat:
		if len(d.b) < 8 {
			d.fail("float")
			return nil
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
		d.b = d.b[8:]
		return f
	case tagString:
		return d.string("string")
	case tagBytes:
		p := d.bytes("bytes")
		return append([]byte{}, p...)
	case tagTime:
		var t time.Time
		if err := t.UnmarshalBinary(d.bytes("time")); err != nil {
			d.fail("time")
		}
		return t
	case tagList:
		n := d.count("list", 1)
		l := make([]any, n)
		for i := range l {
			l[i] = d.value(depth + 1)
		}
		return l
	case tagMap:
		n := d.count("map", 2)
		m := make(map[string]any, n)
		for i := 0; i < n && d.err == nil; i++ {
			k := d.string("map key")
			m[k] = d.value(depth + 1)
		}
		return m
	case tagStrings:
		n := d.count("strings", 1)
		l := make([]string, n)
		for i := range l {
			l[i] = d.string("strings")
		}
		return l
	case tagStringMap:
		n := d.count("string map", 2)
		m := make(map[string]string, n)
		for i := 0; i < n && d.err == nil; i++ {
			k := d.string("map key")
			m[k] = d.string("map value")
		}
		return m
	default:
		d.fail(fmt.Sprintf("tag %d", tag))
		return nil
	}
}
