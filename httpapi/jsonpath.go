package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrNoValue means a JSON document has nothing at a path.
var ErrNoValue = errors.New("no value at the JSON path")

// ErrNotJSON means a body is not a JSON document.
var ErrNotJSON = errors.New("not JSON")

// ErrBadPath means a JSON path does not parse.
var ErrBadPath = errors.New("invalid JSON path")

// Path is a parsed dotted JSON path.
type Path struct {
	text  string
	steps []pathStep
}

// pathStep is one step of a JSON path: an object key, or an array index
// when key is empty.
type pathStep struct {
	key   string
	index int
}

// ParsePath reads a dotted JSON path: "$.balance", "balance.total",
// "$.items[0].amount" (or "items.0.amount"), "$[2]". An empty path, or
// "$", selects the whole document.
func ParsePath(p string) (Path, error) {
	rest := strings.TrimSpace(p)
	rest = strings.TrimPrefix(rest, "$")
	rest = strings.TrimPrefix(rest, ".")
	path := Path{text: p}
	bad := func(format string, args ...any) (Path, error) {
		return Path{}, fmt.Errorf("JSON path %q: %w: %s", p, ErrBadPath, fmt.Sprintf(format, args...))
	}
	for rest != "" {
		end := strings.IndexAny(rest, ".[")
		if end < 0 {
			end = len(rest)
		}
		if key := rest[:end]; key != "" {
			path.steps = append(path.steps, pathStep{key: key})
		} else if rest[0] == '.' {
			return bad("empty key")
		}
		rest = rest[end:]
		for strings.HasPrefix(rest, "[") {
			closing := strings.IndexByte(rest, ']')
			if closing < 0 {
				return bad("unclosed [")
			}
			n, err := strconv.Atoi(rest[1:closing])
			if err != nil || n < 0 {
				return bad("%q is not an array index", rest[1:closing])
			}
			path.steps = append(path.steps, pathStep{index: n})
			rest = rest[closing+1:]
		}
		if strings.HasPrefix(rest, ".") {
			rest = rest[1:]
			if rest == "" {
				return bad("ends with a dot")
			}
		} else if rest != "" && rest[0] != '[' {
			return bad("unexpected %q", rest)
		}
	}
	return path, nil
}

// String returns the path as written.
func (p Path) String() string { return p.text }

// Lookup returns the decoded value at p in the JSON document body (a
// string, json.Number, bool, nil, map or slice). A missing key or index
// wraps ErrNoValue; a body that is not JSON wraps ErrNotJSON.
func (p Path) Lookup(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotJSON, err)
	}
	for _, st := range p.steps {
		switch node := v.(type) {
		case map[string]any:
			next, ok := node[st.key]
			if st.key == "" || !ok {
				return nil, fmt.Errorf("JSON path %q: %w at %s", p.text, ErrNoValue, st)
			}
			v = next
		case []any:
			i := st.index
			if st.key != "" {
				// "items.0.amount" indexes an array like "items[0].amount".
				n, err := strconv.Atoi(st.key)
				if err != nil || n < 0 {
					return nil, fmt.Errorf("JSON path %q: %w at %s", p.text, ErrNoValue, st)
				}
				i = n
			}
			if i >= len(node) {
				return nil, fmt.Errorf("JSON path %q: %w at %s", p.text, ErrNoValue, st)
			}
			v = node[i]
		default:
			return nil, fmt.Errorf("JSON path %q: %w at %s", p.text, ErrNoValue, st)
		}
	}
	return v, nil
}

// Select returns the value at p in body as text: a string as it is, a
// number as written, true, false or null, an object or array as compact
// JSON. Errors are Lookup's.
func (p Path) Select(body []byte) (string, error) {
	v, err := p.Lookup(body)
	if err != nil {
		return "", err
	}
	return Text(v), nil
}

// SelectJSON parses path and selects it in body.
func SelectJSON(body []byte, path string) (string, error) {
	p, err := ParsePath(path)
	if err != nil {
		return "", err
	}
	return p.Select(body)
}

func (st pathStep) String() string {
	if st.key != "" {
		return strconv.Quote(st.key)
	}
	return "[" + strconv.Itoa(st.index) + "]"
}

// Text writes a decoded JSON value as text: a string as it is, a number as
// written, true, false or null, anything else as compact JSON.
func Text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(v)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v) // a decoded document always marshals
	}
	return string(b)
}

// empty reports whether a decoded JSON value holds nothing: null, "",
// an empty array or an empty object.
func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}
